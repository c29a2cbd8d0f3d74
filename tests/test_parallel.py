"""Several worker processes give the same results, in the same order, as one."""
import json

from click.testing import CliRunner

from mapper.cli import cli
from mapper.parallel import extract_in_parallel, geoparse_in_parallel

TEXTS = [
    "date 2024-05-02\nA drone hit an apartment block in Odesa on Thursday, injuring four people.",
    "Shelling damaged a school in Kherson.",
    "Nothing happened here worth reporting.",
    "Police detained twelve protesters in Tbilisi on Sunday.",
    "A missile struck the centre of Kharkiv, killing two people.",
] * 8


def articles():
    from mapper.articles import parse_text_article

    return [parse_text_article(t, f"a{i}") for i, t in enumerate(TEXTS)]


def summary(stream):
    return [(a.id, [(i.event_type, i.location, i.latitude) for i in found]) for a, found in stream]


def test_extract_in_two_processes_matches_one(gazetteer_path):
    one = summary(extract_in_parallel(articles(), 1))
    two = summary(extract_in_parallel(articles(), 2))
    assert [a for a, _ in two] == [f"a{i}" for i in range(len(TEXTS))]
    assert one == two
    assert any(found for _, found in one)


def test_geoparse_in_two_processes_matches_one(gazetteer_path):
    def names(stream):
        return [(a.id, [m.place.geonameid if m.place else None for m in found]) for a, found in stream]

    assert names(geoparse_in_parallel(articles(), 1)) == names(geoparse_in_parallel(articles(), 2))


def test_cli_jobs_option(gazetteer_path, tmp_path):
    for i, text in enumerate(TEXTS[:5]):
        (tmp_path / f"a{i}.txt").write_text(text, encoding="utf-8")
    single = CliRunner().invoke(cli, ["extract", str(tmp_path), "-f", "jsonl"])
    double = CliRunner().invoke(cli, ["extract", str(tmp_path), "-f", "jsonl", "-j", "2"])
    assert single.exit_code == 0 and double.exit_code == 0, double.output
    key = lambda out: [(r["article_id"], r["event_type"]) for r in map(json.loads, out.stdout.splitlines())]
    assert key(single) == key(double) and key(single)

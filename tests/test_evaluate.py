"""mapper.evaluate and `mapper eval`: metrics checked against numbers worked out by hand.

Fixtures (tests/data/eval_*.jsonl) are invented: places on the equator, so that
distances are whole multiples of one degree of arc, ``DEG`` km.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mapper import evaluate as ev
from mapper.cli import cli
from mapper.cli import eval_cmd
from mapper.errors import MapperError
from mapper.incidents.feed import FeedReport
from mapper.model import Article, Incident, Mention, Place, ResolvedMention

DATA = Path(__file__).parent / "data"
GEOPARSE = DATA / "eval_geoparse.jsonl"
INCIDENTS = DATA / "eval_incidents.jsonl"
BAD = DATA / "eval_bad.jsonl"

DEG = 6371.0088 * math.pi / 180          # km in one degree of a great circle
LOG_MAX = math.log(20039)


def scaled(e):
    return math.log(1 + e) / LOG_MAX


# --------------------------------------------------------------------------- distances, AUC


def test_haversine_known_distances():
    assert ev.haversine_km(0, 0, 0, 1) == pytest.approx(DEG)
    assert ev.haversine_km(0, 0, 10, 0) == pytest.approx(10 * DEG)
    assert ev.haversine_km(0, 0, 0, 90) == pytest.approx(90 * DEG)
    assert ev.haversine_km(90, 0, -90, 0) == pytest.approx(180 * DEG)
    assert ev.haversine_km(0, 179.5, 0, -179.5) == pytest.approx(DEG)   # across the antimeridian
    # London - Paris, about 343.5 km on the mean sphere
    assert ev.haversine_km(51.5074, -0.1278, 48.8566, 2.3522) == pytest.approx(343.5, abs=0.5)


def test_auc_is_trapezoid_over_sorted_scaled_errors():
    errors = [500.0, 0.0, 20038.0, 10.0]
    s = sorted(scaled(e) for e in errors)
    # trapezoid rule on x = 0, 1/3, 2/3, 1
    expected = ((s[0] + s[1]) / 2 + (s[1] + s[2]) / 2 + (s[2] + s[3]) / 2) / 3
    assert ev.auc(errors) == pytest.approx(expected)
    assert ev.auc([0.0, 0.0]) == 0.0
    assert ev.auc([20038.0, 20038.0]) == pytest.approx(1.0)
    assert ev.auc([161.0]) == pytest.approx(scaled(161.0))
    assert ev.auc([]) is None


def test_precision_recall_f1_and_share_within():
    assert ev.precision_recall_f1(4, 6, 5) == pytest.approx((4 / 6, 4 / 5, 8 / 11))
    assert ev.precision_recall_f1(0, 3, 0) == (0.0, 0.0, 0.0)
    assert ev.share_within([0.0, 160.9, 161.0, None], 161) == 0.5       # strictly under
    assert ev.share_within([], 161) is None


# --------------------------------------------------------------------------- span matching


def test_two_predictions_on_one_gold_largest_overlap_wins():
    # gold "South Avalon" (0, 12); "South" overlaps 5, "Avalon" overlaps 6
    assert ev.match_spans([(0, 12)], [(0, 5), (6, 12)]) == [(0, 1)]


def test_one_prediction_covering_two_gold_is_used_once():
    # gold "Dunmore" (0, 7) and "Eastwick" (12, 20); the prediction covers both
    assert ev.match_spans([(0, 7), (12, 20)], [(0, 20)]) == [(1, 0)]


def test_greedy_by_overlap_over_all_pairs():
    gold = [(0, 10), (8, 20)]
    pred = [(0, 9), (5, 20)]          # overlaps: g0-p0 9, g0-p1 5, g1-p0 1, g1-p1 12
    assert ev.match_spans(gold, pred) == [(0, 0), (1, 1)]
    # greedy, not optimal: the best pair (overlap 10) takes the long prediction, and
    # the short gold span cannot use it again
    assert ev.match_spans([(0, 10), (10, 12)], [(0, 12)]) == [(0, 0)]


def test_touching_spans_do_not_match_and_duplicates_are_spurious():
    assert ev.match_spans([(0, 5)], [(5, 9)]) == []
    assert ev.match_spans([(0, 5)], [(0, 5), (0, 5)]) == [(0, 0)]
    assert ev.match_spans([], [(0, 5)]) == [] and ev.match_spans([(0, 5)], []) == []


def test_ties_are_broken_the_same_whatever_the_input_order():
    # both predictions overlap the gold span by 2: the one that starts first wins
    assert ev.match_spans([(0, 4)], [(0, 2), (2, 4)]) == [(0, 0)]
    assert ev.match_spans([(0, 4)], [(2, 4), (0, 2)]) == [(0, 1)]
    # both gold spans overlap the prediction by 2: the gold span that starts first wins
    assert ev.match_spans([(0, 4), (4, 8)], [(2, 6)]) == [(0, 0)]
    assert ev.match_spans([(4, 8), (0, 4)], [(2, 6)]) == [(1, 0)]


# --------------------------------------------------------------------------- geoparsing


def place(lat, lon, gid=1, name="P"):
    return Place(geonameid=gid, name=name, lat=lat, lon=lon, feature_class="P", feature_code="PPL")


def rm(article, phrase, where, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = article.text.index(phrase, start + 1)
    return ResolvedMention(Mention(start, start + len(phrase), phrase), where)


def fake_geoparser(articles):
    """Predictions for the fixture, worked out by hand (see test_geoparse_scores)."""
    out = {}
    for a in articles:
        if a.id == "A1":
            out[a.id] = [rm(a, "Northport", place(0.0, 0.0)),     # exact, 0 km
                         rm(a, "South", place(5.0, 5.0)),         # overlaps "South Avalon" by 5: spurious
                         rm(a, "Avalon", place(0.0, 2.0))]        # overlaps by 6: matched, 1 degree off
        elif a.id == "A2":
            out[a.id] = [rm(a, "Corvale", None),                  # matched, no coordinates: 20,039 km
                         rm(a, "Nothing", place(0.0, 0.0))]       # spurious
        elif a.id == "A3":
            start = a.text.index("Dunmore")
            end = a.text.index("Eastwick") + len("Eastwick")      # one mention over both gold toponyms
            out[a.id] = [ResolvedMention(Mention(start, end, a.text[start:end]), place(0.0, 110.0))]
    return [out[a.id] for a in articles]


def test_read_geoparse_corpus():
    corpus = ev.read_geoparse_corpus(GEOPARSE)
    assert [g.article.id for g in corpus] == ["A1", "A2", "A3"]
    assert [g.source for g in corpus] == ["alpha", "alpha", "beta"]
    a1 = corpus[0]
    assert a1.article.date == dt.date(2021, 5, 4)
    assert corpus[1].article.date == dt.date(2021, 6, 1)          # "Tue Jun 1, 2021 | 9:15am EST"
    assert corpus[2].article.date is None
    t = a1.toponyms[1]
    assert (t.phrase, t.lat, t.lon, t.geonameid, t.fcode) == ("South Avalon", 0.0, 1.0, 102, "PPL")
    assert a1.article.text[t.start:t.end] == "South Avalon"
    assert corpus[1].toponyms[0].geonameid is None
    assert len(ev.read_geoparse_corpus(GEOPARSE, limit=2)) == 2


def test_geoparse_scores():
    result = ev.evaluate_geoparser(ev.read_geoparse_corpus(GEOPARSE), fake_geoparser)
    o = result.overall
    # gold 5, predicted 6, matched 4 (Northport, South Avalon, Corvale, Eastwick)
    assert (o.articles, o.gold, o.predicted, o.matched) == (3, 5, 6, 4)
    assert o.precision == pytest.approx(4 / 6)
    assert o.recall == pytest.approx(4 / 5)
    assert o.f1 == pytest.approx(8 / 11)
    errors = [0.0, DEG, 20039.0, 90 * DEG]
    assert o.acc161 == 0.5
    assert o.e2e161 == pytest.approx(2 / 5)
    assert o.mean_km == pytest.approx(sum(errors) / 4)
    assert o.median_km == pytest.approx((DEG + 90 * DEG) / 2)
    s = sorted(scaled(e) for e in errors)
    assert o.auc == pytest.approx(sum((s[i] + s[i + 1]) / 2 for i in range(3)) / 3)

    alpha, beta = result.by_source["alpha"], result.by_source["beta"]
    assert list(result.by_source) == ["alpha", "beta"]
    assert (alpha.articles, alpha.gold, alpha.predicted, alpha.matched) == (2, 3, 5, 3)
    assert (alpha.precision, alpha.recall, alpha.f1) == pytest.approx((0.6, 1.0, 0.75))
    assert alpha.acc161 == pytest.approx(2 / 3) and alpha.e2e161 == pytest.approx(2 / 3)
    assert (beta.articles, beta.gold, beta.predicted, beta.matched) == (1, 2, 1, 1)
    assert (beta.precision, beta.recall) == (1.0, 0.5)
    assert beta.acc161 == 0.0 and beta.e2e161 == 0.0
    assert beta.auc == pytest.approx(scaled(90 * DEG))           # one error: the flat curve's height
    assert beta.mean_km == beta.median_km == pytest.approx(90 * DEG)


def test_a_matched_mention_without_coordinates_counts_20039_km():
    corpus = ev.read_geoparse_corpus(GEOPARSE, limit=2)
    result = ev.evaluate_geoparser(corpus, fake_geoparser)
    corvale = next(i for i in result.items if i.get("gold_phrase") == "Corvale")
    assert corvale["kind"] == "matched"
    assert corvale["error_km"] == 20039.0
    assert corvale["pred_lat"] is None
    assert max(i.get("error_km") or 0 for i in result.items) == 20039.0


def test_geoparse_items_for_error_analysis():
    result = ev.evaluate_geoparser(ev.read_geoparse_corpus(GEOPARSE), fake_geoparser)
    kinds = [(i["article_id"], i["kind"], i.get("gold_phrase") or i.get("pred_text")) for i in result.items]
    assert kinds == [
        ("A1", "matched", "Northport"), ("A1", "matched", "South Avalon"), ("A1", "spurious", "South"),
        ("A2", "matched", "Corvale"), ("A2", "spurious", "Nothing"),
        ("A3", "missed", "Dunmore"), ("A3", "matched", "Eastwick"),
    ]
    avalon = result.items[1]
    assert avalon["pred_text"] == "Avalon" and avalon["error_km"] == pytest.approx(DEG)
    json.dumps(result.items)                                        # JSON-ready


def test_geoparser_must_return_one_result_per_article():
    corpus = ev.read_geoparse_corpus(GEOPARSE)
    with pytest.raises(ev.EvalError, match="returned 2 results for 3 articles"):
        ev.evaluate_geoparser(corpus, lambda articles: [[], []])
    with pytest.raises(ev.EvalError, match="more results"):
        ev.evaluate_geoparser(corpus, lambda articles: [[]] * 4)
    assert issubclass(ev.EvalError, MapperError)


def test_geoparse_nothing_predicted():
    result = ev.evaluate_geoparser(ev.read_geoparse_corpus(GEOPARSE), lambda arts: ([] for _ in arts))
    o = result.overall
    assert (o.precision, o.recall, o.f1, o.e2e161) == (0.0, 0.0, 0.0, 0.0)
    assert o.acc161 is None and o.auc is None and o.median_km is None
    assert result.to_dict()["overall"]["auc"] is None


# --------------------------------------------------------------------------- geocoding


def test_geocoder_scores():
    queries = [ev.GeocodeQuery(str(k), q, 0.0, 0.0) for k, q in enumerate(["a", "b", "c", "d"])]
    answers = {"a": (0.0, 0.0), "b": (0.0, 0.1), "c": (0.0, 1.0), "d": None}
    result = ev.evaluate_geocoder(queries, answers.get)
    assert (result.queries, result.answered) == (4, 3)
    assert result.within_10km == 0.25                      # 0 km
    assert result.within_25km == 0.5                       # + 11.1 km
    assert result.within_161km == 0.75                     # + 111.2 km; "d" unanswered is a miss
    assert result.median_km == pytest.approx(0.1 * DEG)    # over the answered three
    assert result.unanswered == 0.25
    assert [i["error_km"] for i in result.items][3] is None


def test_geocoder_accepts_geopy_locations():
    from geopy.location import Location

    result = ev.evaluate_geocoder([ev.GeocodeQuery("1", "x", 0.0, 0.0)],
                                  lambda q: Location("x", (0.0, 1.0, 0.0), {}))
    assert result.median_km == pytest.approx(DEG)


def test_read_geocode_queries_skips_empty_locations():
    queries = ev.read_geocode_queries(INCIDENTS)
    assert [q.query for q in queries] == ["Northport", "South Avalon", "Corvale"]   # R4 has no location
    assert (queries[1].lat, queries[1].lon) == (0.0, 1.0)
    assert [q.query for q in ev.read_geocode_queries(INCIDENTS, limit=1)] == ["Northport"]
    assert ev.read_geocode_queries(INCIDENTS, field="text")[3].query.startswith("Drone attack")
    with pytest.raises(ev.EvalCorpusError, match="line 1: missing field 'place'"):
        ev.read_geocode_queries(INCIDENTS, field="place")


# --------------------------------------------------------------------------- incidents


def incident(lat, lon, weapon="", location="somewhere"):
    return Incident(event_id_cnty="X1", event_date=None, time_precision=1, event_type="Explosions/Remote violence",
                    sub_event_type="Shelling/artillery/missile attack", latitude=lat, longitude=lon,
                    geo_precision=1, location=location, weapon=weapon)


SEEN_ARTICLES: list[Article] = []


def fake_extractor(article):
    SEEN_ARTICLES.append(article)
    return {
        "R1": [incident(0.0, 0.2, "Kalibr cruise missile"), incident(0.0, 3.0, "mystery device")],
        "R2": [incident(0.0, 1.05, "artillery; glide bomb", location="South Avalon")],
        "R3": [],
        "R4": [incident(0.0, 21.5, "Shahed drone")],
    }[article.id]


def test_incident_records_and_articles():
    records = ev.read_incident_set(INCIDENTS)
    assert [r.id for r in records] == ["R1", "R2", "R3", "R4"]
    assert records[1].weapons == ("HE artillery inc mortars", "Cluster munitions")
    a = records[0].article()
    assert a == Article(id="R1", text="Northport. A missile struck a warehouse.", date=dt.date(2022, 3, 1))
    assert records[2].article().date is None
    assert records[3].article().text == "Drone attack on a depot near Eastwick."    # no location


def test_incident_scores():
    SEEN_ARTICLES.clear()
    result = ev.evaluate_incidents(ev.read_incident_set(INCIDENTS), fake_extractor)
    assert [a.text.split(".")[0] for a in SEEN_ARTICLES][:3] == ["Northport", "South Avalon", "Corvale"]
    # nearest-incident errors: R1 0.2 deg (22.2 km), R2 0.05 deg (5.6 km), R3 none, R4 1.5 deg (166.8 km)
    assert (result.records, result.with_incident) == (4, 3)
    assert result.within_10km == 0.25
    assert result.within_25km == 0.5
    assert result.within_161km == 0.5
    assert result.median_km == pytest.approx(0.2 * DEG)
    assert result.no_incident == 0.25
    assert [i["error_km"] for i in result.items] == pytest.approx([0.2 * DEG, 0.05 * DEG, None, 1.5 * DEG])
    assert result.items[1]["pred_location"] == "South Avalon"
    # weapons, scored on R1 {missile} and R2 {artillery, cluster} only (R3 Unknown, R4 no label):
    # predicted R1 {missile}, R2 {artillery, air_strike} -> correct 2 of 3 predicted, 2 of 3 gold
    w = result.weapon
    assert (w.records, w.gold, w.predicted, w.correct) == (2, 3, 3, 2)
    assert (w.precision, w.recall) == pytest.approx((2 / 3, 2 / 3))
    assert w.unclassified == 1                                   # "mystery device"
    assert result.items[1]["gold_weapons"] == ["artillery", "cluster"]
    assert result.items[1]["pred_weapons"] == ["air_strike", "artillery"]
    d = result.to_dict()
    assert d["weapon"]["precision"] == pytest.approx(2 / 3) and "items" not in d


def test_incidents_without_weapon_labels():
    records = [r for r in ev.read_incident_set(INCIDENTS) if r.id in ("R3", "R4")]
    result = ev.evaluate_incidents(records, fake_extractor)
    assert result.weapon is None
    assert "no record with a known weapon" in ev.format_table(result)


# --------------------------------------------------------------------------- weapon classes


GOLD_LABELS = {
    "Cluster munitions": "cluster", "Cruise missile": "missile", "HE rocket artillery": "artillery",
    "Small arms": "small_arms", "Incendiary munitions": "incendiary", "Anti-air missile": "missile",
    "Ballistic missile": "missile", "Loitering munition": "drone", "Air strike": "air_strike",
    "Vehicle mounted weapon": "vehicle_weapon", "Thermobaric munition": "thermobaric",
    "Land mines": "mine", "HE artillery inc mortars": "artillery",
}
FREE_TEXT = {
    "ATACMS": "missile", "Shahed drone": "drone", "artillery": "artillery", "cluster munition": "cluster",
    "glide bomb": "air_strike", "Iskander-M missiles": "missile", "Grad rockets": "artillery",
    "mortar": "artillery", "tank shelling": "vehicle_weapon", "TOS-1A": "thermobaric",
    "white phosphorus": "incendiary", "FPV drones": "drone", "sniper fire": "small_arms",
    "Smerch with cluster munitions": "cluster", "Lancet loitering munition": "drone",
}


@pytest.mark.parametrize("text,cls", sorted({**GOLD_LABELS, **FREE_TEXT}.items()))
def test_weapon_classes_data_file(text, cls):
    assert ev.load_weapon_classes().classify(text) == {cls}


def test_weapon_classes_ignore_and_split():
    wc = ev.load_weapon_classes()
    assert wc.classify("Unknown") == frozenset() and wc.classify("") == frozenset() and wc.classify(None) == frozenset()
    assert wc.classify("missiles and drones") == {"missile", "drone"}
    assert wc.classify("artillery, Air strike") == {"artillery", "air_strike"}
    assert wc.classify("a ray gun") == frozenset() and wc.unclassified("a ray gun") == ["a ray gun"]


def test_weapon_classes_file_is_data(tmp_path):
    raw = json.loads((Path(ev.__file__).parents[1] / "incidents" / "lexicons" / "weapon_classes.json").read_text())
    classes = {k: v for k, v in raw.items() if not k.startswith("_")}
    assert 5 <= len(classes) <= 15
    for name, keywords in classes.items():
        assert keywords and all(k == k.lower().strip() and k for k in keywords), name
    every = [k for v in classes.values() for k in v]
    assert len(every) == len(set(every)), "a keyword listed under two classes"
    custom = tmp_path / "w.json"
    custom.write_text(json.dumps({"boom": ["bang"], "_ignore": ["n/a"]}))
    assert ev.load_weapon_classes(custom).classify("Big bangs") == {"boom"}


# --------------------------------------------------------------------------- readers: bad input


def write(tmp_path, lines, name="c.jsonl"):
    path = tmp_path / name
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


ONE = {"id": "x", "source": "s", "date": None, "title": None, "text": "In Avalon.",
       "toponyms": [{"start": 3, "end": 9, "phrase": "Avalon", "lat": 1.0, "lon": 2.0}]}


def with_toponym(**changes):
    return json.dumps({**ONE, "toponyms": [{**ONE["toponyms"][0], **changes}]})


@pytest.mark.parametrize("second,message", [
    ("{not json", "line 2: not valid JSON"),
    ("[1, 2]", "line 2: expected a JSON object, got list"),
    (json.dumps({k: v for k, v in ONE.items() if k != "text"}), "line 2: missing field 'text'"),
    (json.dumps({**ONE, "toponyms": "Avalon"}), "line 2: field 'toponyms' should be list"),
    (with_toponym(end=4), r"line 2, toponym 0: text\[3:4\] is 'A', not the phrase 'Avalon'"),
    (with_toponym(end=99), r"line 2, toponym 0: span \[3, 99\) is outside the text"),
    (with_toponym(lat=91.0), "line 2, toponym 0: coordinates out of range"),
    (with_toponym(lon="east"), "line 2, toponym 0: field 'lon' should be int or float"),
])
def test_bad_geoparse_lines_name_the_line(tmp_path, second, message):
    path = write(tmp_path, [json.dumps(ONE), second])
    with pytest.raises(ev.EvalCorpusError, match=message):
        ev.read_geoparse_corpus(path)


def test_blank_lines_are_skipped_and_empty_files_refused(tmp_path):
    assert len(ev.read_geoparse_corpus(write(tmp_path, [json.dumps(ONE), "", json.dumps(ONE)]))) == 2
    with pytest.raises(ev.EvalCorpusError, match="no records"):
        ev.read_incident_set(write(tmp_path, ["", "  "]))


def test_bad_incident_lines(tmp_path):
    with pytest.raises(ev.EvalCorpusError, match="eval_bad.jsonl, line 2: not valid JSON"):
        ev.read_incident_set(BAD)
    rec = {"id": "r", "text": "t", "location": "l", "lat": 1.0, "lon": 2.0}
    with pytest.raises(ev.EvalCorpusError, match="line 1: field 'weapons' should be a list of strings"):
        ev.read_incident_set(write(tmp_path, [json.dumps({**rec, "weapons": [1]})]))
    with pytest.raises(ev.EvalCorpusError, match="line 1: missing field 'lat'"):
        ev.read_incident_set(write(tmp_path, [json.dumps({k: v for k, v in rec.items() if k != "lat"})]))
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(json.dumps(rec).encode() + b"\n" + b'{"id": "caf\xe9"}\n')
    with pytest.raises(ev.EvalCorpusError, match="line 2: not UTF-8"):
        ev.read_incident_set(path)


def test_parse_date_is_lenient():
    assert ev.parse_date("2022-02-24") == dt.date(2022, 2, 24)
    assert ev.parse_date("2009-03-25 00:26:04.358077-05") == dt.date(2009, 3, 25)
    assert ev.parse_date("17 December 2016") == dt.date(2016, 12, 17)
    assert ev.parse_date("7:58 AM ET, Sat January 3, 2015") == dt.date(2015, 1, 3)
    assert ev.parse_date("no date here") is None
    assert ev.parse_date("") is None and ev.parse_date(None) is None and ev.parse_date(20220224) is None


# --------------------------------------------------------------------------- table and dicts


def test_format_table_geoparse():
    result = ev.evaluate_geoparser(ev.read_geoparse_corpus(GEOPARSE), fake_geoparser)
    lines = ev.format_table(result).splitlines()
    assert lines[0].split() == ["source", "articles", "gold", "pred", "P", "R", "F1", "Acc@161", "AUC",
                                "mean", "km", "median", "km", "e2e@161"]
    rows = {line.split()[0]: line.split() for line in lines[2:]}
    assert list(rows) == ["alpha", "beta", "all"]
    assert rows["all"][1:7] == ["3", "5", "6", "0.667", "0.800", "0.727"]
    assert rows["all"][7] == "0.500" and rows["all"][-1] == "0.400"
    assert rows["beta"][8] == f"{scaled(90 * DEG):.3f}" == "0.930"
    assert rows["beta"][9] == rows["beta"][10] == "10,007.6"      # mean km, median km


def test_to_dict_round_trips_through_json():
    result = ev.evaluate_geoparser(ev.read_geoparse_corpus(GEOPARSE), fake_geoparser)
    d = json.loads(json.dumps(result.to_dict()))
    assert set(d) == {"overall", "by_source"}
    assert d["overall"]["f1"] == pytest.approx(8 / 11)
    assert d["by_source"]["beta"]["recall"] == 0.5


# --------------------------------------------------------------------------- CLI


@pytest.fixture
def fakes(monkeypatch):
    geocode_answers = {"Northport": (0.0, 0.0), "South Avalon": (0.0, 1.1), "Corvale": None}
    calls = {}

    def resolve_geoparser(use_spacy=True):
        calls["use_spacy"] = use_spacy
        return fake_geoparser

    monkeypatch.setattr(eval_cmd, "resolve_geocoder", lambda *a, **k: geocode_answers.get)
    monkeypatch.setattr(eval_cmd, "resolve_geoparser", resolve_geoparser)
    monkeypatch.setattr(eval_cmd, "batch_extractor", lambda records, country: (fake_extractor, FeedReport()))
    return calls


def run(*args):
    return CliRunner().invoke(cli, ["eval", *map(str, args)], catch_exceptions=False)


def test_cli_geoparse_table_and_json(fakes):
    result = run("geoparse", GEOPARSE)
    assert result.exit_code == 0, result.output
    assert fakes["use_spacy"] is True
    all_row = next(line for line in result.output.splitlines() if line.startswith("all"))
    assert all_row.split()[4:7] == ["0.667", "0.800", "0.727"]

    result = run("geoparse", GEOPARSE, "--json", "--no-spacy")
    assert result.exit_code == 0, result.output
    assert fakes["use_spacy"] is False
    payload = json.loads(result.output)
    assert payload["command"] == "eval geoparse" and payload["corpus"] == str(GEOPARSE)
    assert payload["overall"]["e2e161"] == pytest.approx(0.4)
    assert payload["by_source"]["alpha"]["matched"] == 3


def test_cli_limit_and_errors_file(fakes, tmp_path):
    out = tmp_path / "errors.jsonl"
    result = run("geoparse", GEOPARSE, "--json", "--limit", "1", "--errors", out)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["overall"]["articles"] == 1
    items = [json.loads(line) for line in out.read_text().splitlines()]
    assert [i["kind"] for i in items] == ["matched", "matched", "spurious"]
    # an existing errors file is not replaced without --overwrite, and the run stops before working
    result = CliRunner().invoke(cli, ["eval", "geoparse", str(GEOPARSE), "--errors", str(out)])
    assert result.exit_code == 1 and "already exists" in result.output
    assert run("geoparse", GEOPARSE, "--errors", out, "--overwrite").exit_code == 0
    assert len(out.read_text().splitlines()) == 7


def test_cli_geocode(fakes, tmp_path):
    result = run("geocode", INCIDENTS, "--json", "--errors", tmp_path / "g.jsonl")
    assert result.exit_code == 0, result.output
    d = json.loads(result.output)
    assert (d["queries"], d["answered"]) == (3, 2)
    assert d["within_10km"] == pytest.approx(1 / 3) and d["within_25km"] == pytest.approx(2 / 3)
    assert d["median_km"] == pytest.approx(0.05 * DEG) and d["unanswered"] == pytest.approx(1 / 3)
    assert len((tmp_path / "g.jsonl").read_text().splitlines()) == 3
    table = run("geocode", INCIDENTS, "--field", "location").output
    assert "within 161 km" in table and "0.667" in table


def test_cli_incidents(fakes):
    result = run("incidents", INCIDENTS)
    assert result.exit_code == 0, result.output
    assert "weapon: precision" in result.output and "0.667" in result.output
    d = json.loads(run("incidents", INCIDENTS, "--json", "--indent", "2").output)
    assert d["records"] == 4 and d["no_incident"] == 0.25
    assert d["weapon"]["correct"] == 2


def test_cli_missing_and_bad_corpus(fakes, tmp_path):
    result = CliRunner().invoke(cli, ["eval", "geoparse", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2 and "does not exist" in result.output
    result = CliRunner().invoke(cli, ["eval", "incidents", str(BAD)])
    assert result.exit_code == 1
    assert "line 2: not valid JSON" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(cli, ["eval", "geoparse", str(INCIDENTS)])       # wrong kind of file
    assert result.exit_code == 1 and "line 1: missing field 'toponyms'" in result.output
    result = CliRunner().invoke(cli, ["eval", "geocode", str(INCIDENTS), "--field", "town"])
    assert result.exit_code == 1 and "missing field 'town'" in result.output


def test_cli_system_not_installed(monkeypatch):
    monkeypatch.setitem(sys.modules, "mapper.geoparse", None)        # import fails
    result = CliRunner().invoke(cli, ["eval", "geoparse", str(GEOPARSE)])
    assert result.exit_code == 1 and "geoparser (mapper.geoparse) is not available" in result.output


def test_cli_help_lists_subcommands():
    result = CliRunner().invoke(cli, ["eval", "--help"])
    assert result.exit_code == 0
    for name in ("geocode", "geoparse", "incidents"):
        assert name in result.output

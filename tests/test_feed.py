"""Incidents whose article names no place: the batch's own country, an explicit one, or nothing."""
from __future__ import annotations

import json
import math
from collections import Counter

import pytest
from click.testing import CliRunner

from mapper.cli import cli
from mapper.incidents.feed import (AUTO, CONFIDENCE_CAP, FeedReport, country_policy, feed_country,
                                   is_unplaced, settle)
from mapper.model import Article, Incident

TOWNS = {  # our own one-line reports, one town each
    "a1": "Russian shelling hit a school in Kharkiv on Monday.",
    "a2": "A drone struck an apartment block in Odesa, injuring two people.",
    "a3": "Missiles hit the power plant in Dnipro overnight.",
    "a4": "Artillery fire damaged houses in Kherson on Tuesday.",
    "a5": "A glide bomb hit a hospital in Zaporizhzhia, killing one person.",
    "a6": "Shelling damaged a grocery store in Sumy.",
}
ELSEWHERE = {
    "b1": "A car bomb exploded near a market in Mogadishu, killing four people.",
    "b2": "Airstrikes hit a hospital in Khartoum on Sunday.",
    "b3": "Gunmen attacked a village near Maiduguri, killing six civilians.",
}
NO_PLACE = "A missile strike destroyed a residential building, killing three people."


def _incident(article_id: str, country_code: str = "", unplaced: bool = False, confidence: float = 0.8) -> Incident:
    return Incident(event_id_cnty="XXX0000001" if unplaced else f"{country_code}X0000001", event_date=None,
                    time_precision=1, event_type="Explosions/Remote violence",
                    sub_event_type="Shelling/artillery/missile attack",
                    latitude=math.nan if unplaced else 50.0, longitude=math.nan if unplaced else 36.0,
                    geo_precision=3 if unplaced else 1, location="" if unplaced else "Somewhere",
                    country_code=country_code, notes="A strike.", article_id=article_id, confidence=confidence)


@pytest.mark.parametrize("value, policy", [(None, AUTO), ("auto", AUTO), ("AUTO", AUTO), ("none", None),
                                           ("ua", "UA"), (" UA ", "UA")])
def test_country_policy(value, policy):
    assert country_policy(value) == policy


def test_feed_country_needs_enough_articles_and_a_clear_majority():
    assert feed_country(Counter({"": 6, "UA": 6})) == ("UA", 1.0)
    assert feed_country(Counter({"": 10, "UA": 8, "RU": 2})) == ("UA", 0.8)
    assert feed_country(Counter({"": 10, "UA": 7, "RU": 3})) is None        # 70 %: a mixed batch
    assert feed_country(Counter({"": 4, "UA": 4})) is None                  # too few to tell
    assert feed_country(Counter()) is None


def test_settle_places_unplaced_incidents_in_the_feed_country(gazetteer):
    stream = [(Article(id=f"a{k}", text="x"), [_incident(f"a{k}", "UA")]) for k in range(6)]
    stream.insert(2, (Article(id="z", text="y"), [_incident("z", unplaced=True, confidence=0.9)]))
    report = FeedReport()
    out = list(settle(iter(stream), gazetteer, report))
    # articles waiting on the decision come last; the others keep their order
    assert [a.id for a, _ in out] == ["a0", "a1", "a2", "a3", "a4", "a5", "z"]
    [placed] = out[-1][1]
    assert not is_unplaced(placed)
    assert placed.country_code == "UA" and placed.geo_precision == 3 and placed.feature_code == "PCLI"
    assert placed.event_id_cnty.startswith("UKR")
    assert placed.confidence == CONFIDENCE_CAP and "feed's country" in placed.notes
    assert report.country == "UA" and report.placed_by_feed == 1 and report.unplaced_articles == 1
    assert "Ukraine" in report.message()


def test_settle_drops_unplaced_incidents_of_a_mixed_batch(gazetteer):
    stream = [(Article(id=f"a{k}", text="x"), [_incident(f"a{k}", "UA" if k % 2 else "SO")]) for k in range(8)]
    stream.append((Article(id="z", text="y"), [_incident("z", unplaced=True)]))
    report = FeedReport()
    out = dict((a.id, found) for a, found in settle(iter(stream), gazetteer, report))
    assert out["z"] == [] and all(len(out[f"a{k}"]) == 1 for k in range(8))
    assert report.country == "" and report.placed_by_feed == 0 and "dropped" in report.message()


def _feed(tmp_path, reports: dict[str, str]):
    folder = tmp_path / "feed"
    folder.mkdir()
    for k, (name, text) in enumerate(reports.items()):
        (folder / f"{name}.txt").write_text(f"date 2024-03-{k + 1:02d}\n{text}\n", encoding="utf-8")
    return folder


def _extract(folder, *args):
    result = CliRunner().invoke(cli, ["extract", str(folder), "--format", "jsonl", *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")], result.stderr


def test_extract_puts_a_placeless_report_in_the_feeds_country(gazetteer_path, tmp_path):
    folder = _feed(tmp_path, {**TOWNS, "z": NO_PLACE})
    incidents, said = _extract(folder)
    by_article = {i["article_id"]: i for i in incidents}
    assert set(by_article) == set(TOWNS) | {"z"}
    z = by_article["z"]
    assert z["country_code"] == "UA" and z["geo_precision"] == 3 and z["confidence"] <= CONFIDENCE_CAP
    assert "no place" in said
    # `--country none` keeps to what the text says
    incidents, _ = _extract(folder, "--country", "none")
    assert "z" not in {i["article_id"] for i in incidents}


def test_extract_drops_a_placeless_report_of_a_mixed_batch(gazetteer_path, tmp_path):
    folder = _feed(tmp_path, {**dict(list(TOWNS.items())[:4]), **ELSEWHERE, "z": NO_PLACE})
    incidents, said = _extract(folder)
    assert "z" not in {i["article_id"] for i in incidents}
    assert "dropped" in said

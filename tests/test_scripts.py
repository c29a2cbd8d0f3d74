"""Articles not written in the Latin alphabet are read, with a notice saying what that means."""
import json

from click.testing import CliRunner

from mapper.cli import cli
from mapper.scripts import dominant_script, script_notice


def test_dominant_script():
    assert dominant_script("Shelling hit Kharkiv on Sunday.") == "Latin"
    assert dominant_script("Обстріл Харкова тривав усю ніч, повідомили в ОВА.") == "Cyrillic"
    assert dominant_script("قصفت المدفعية مدينة حلب") == "Arabic"
    assert dominant_script("東京で地震があった") == "CJK"
    assert dominant_script("1234 — 5678") is None
    # a few foreign names in an English text do not make it foreign
    assert dominant_script("Officials in Kharkiv (Харків) said the strike hit a school.") == "Latin"


def test_notice_only_for_other_scripts():
    assert script_notice("a", "A drone hit Odesa.") is None
    notice = script_notice("b", "Удар по Одесі вночі.")
    assert notice.startswith("note: b:") and "Cyrillic" in notice


def test_geoparse_reads_other_scripts_with_a_notice(gazetteer_path, tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(json.dumps({"id": "uk", "text": "Вночі ворог атакував Харків дронами."}, ensure_ascii=False) + "\n"
                    + json.dumps({"id": "en", "text": "Drones attacked Kharkiv overnight."}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["geoparse", str(path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["uk", "en"]
    assert {m["country_code"] for m in lines[0]["mentions"]} == {"UA"}
    assert "note: uk:" in result.stderr and "note: en:" not in result.stderr

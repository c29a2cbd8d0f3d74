"""The recognition word lists are data: check they load and keep their shape."""
import json
from pathlib import Path

import mapper.recognition.lexicon as lexicon

LEXICON = Path(lexicon.__file__).parent.parent / "lexicons" / "recognition.json"


def test_lexicon_has_the_expected_lists_and_thresholds():
    data = json.loads(LEXICON.read_text(encoding="utf-8"))
    for key in ("connectors", "never_places", "person_titles", "disease_names", "not_a_place_after",
                "generic_feature_words"):
        values = data[key]
        assert values and all(isinstance(v, str) and v == v.lower() and v.strip() == v for v in values), key
        assert len(values) == len(set(values)), f"duplicates in {key}"
    limits = data["thresholds"]
    assert 0 < limits["common_word_zipf"] < limits["very_common_word_zipf"] < 8
    assert limits["major_place_population"] < limits["big_place_population"] < limits["very_big_place_population"]


def test_lists_reach_the_recognizer():
    assert "of" in lexicon.CONNECTORS and "monday" in lexicon.NEVER and "mr" in lexicon.PERSON_TITLES
    assert "west nile" in lexicon.DISEASES


def test_month_and_weekday_names_are_never_places():
    assert {"march", "may", "monday", "august"} <= lexicon.NEVER


def test_direct_word_frequencies_agree_with_wordfreq():
    from wordfreq import get_frequency_dict, zipf_frequency

    plain = [w for w in get_frequency_dict("en", "best") if w.isascii() and w.isalpha() and w.islower()]
    sample = plain[::97] + ["the", "kyiv", "zzqxj", "a", "Paris", "saint-denis", "new york", "çanakkale", "2020"]
    assert len(sample) > 2500
    assert [lexicon.zipf(w) for w in sample] == [zipf_frequency(w, "en") for w in sample]

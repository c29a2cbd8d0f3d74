"""Forms of a town's name that English news write and GeoNames does not list.

Arabic place names lose their article in English copy: "Qamishli", "Mayadin", "Qusayr" for
GeoNames' "Al Qāmishlī", "Al Mayādīn", "Al Quşayr". GeoNames lists the bare form for some towns
and not for others, so the build adds it, as a derived name, wherever the article is written.
"""
from __future__ import annotations

from typing import Iterable

# Members of the Arab League and Western Sahara: where town names carry the Arabic article.
ARABIC_ARTICLE_COUNTRIES = frozenset({"AE", "BH", "DJ", "DZ", "EG", "EH", "IQ", "JO", "KM", "KW", "LB", "LY", "MA",
                                      "MR", "OM", "PS", "QA", "SA", "SD", "SO", "SY", "TN", "YE"})
# The article as transliterations write it, assimilated before sun letters ("Ar Raqqah", "As Suwayda").
ARABIC_ARTICLES = frozenset({"al", "el", "ar", "as", "ash", "ad", "adh", "an", "at", "ath", "az", "ed", "en",
                              "er", "es", "et", "ez"})
# A bare form shorter than this ("Bab", "Ain", "Sham" for Damascus) names too much else to be added.
_MIN_LETTERS = 5


def without_arabic_article(key: str) -> str | None:
    """The normalized name without its leading Arabic article, or None when it has none.

    >>> without_arabic_article("al qamishli")
    'qamishli'
    >>> without_arabic_article("al bab") is None
    True
    """
    head, _, rest = key.partition(" ")
    if head not in ARABIC_ARTICLES or len(rest.replace(" ", "")) < _MIN_LETTERS:
        return None
    if rest.partition(" ")[0] in ARABIC_ARTICLES:
        return None
    return rest


def news_forms(keys: Iterable[str], country_code: str) -> set[str]:
    """Forms to add to a populated place's normalized names ``keys`` in ``country_code``."""
    if country_code not in ARABIC_ARTICLE_COUNTRIES:
        return set()
    return {form for form in map(without_arabic_article, keys) if form}

"""Abbreviations and other names news use for countries and states ("U.S.", "UK", "Ky.", "DRC"), kept as data.

Codes are too ambiguous to index wholesale ("IN", "OR", "ME"); this list holds only the
forms newsrooms actually write, each tied to an ISO 3166-1 or 3166-2 code.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterator

ABBREVIATIONS_PATH = Path(__file__).resolve().parent.parent / "data" / "abbreviations.csv"


def iter_abbreviations(path: Path = ABBREVIATIONS_PATH) -> Iterator[tuple[str, str]]:
    """(abbreviation, ISO code) pairs."""
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row.get("abbreviation") and row.get("target"):
                yield row["abbreviation"].strip(), row["target"].strip()

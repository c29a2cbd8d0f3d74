"""The incident one statement (or clause) reports, before an article's statements are merged."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from mapper.incidents.detect import Typing
from mapper.incidents.lexicon import WeaponEntry
from mapper.incidents.locate import Where

__all__ = ["Candidate"]


@dataclass
class Candidate:
    index: int
    start: int
    end: int
    notes: str
    typing: Typing
    aggregate: bool
    date: dt.date | None
    date_source: str                 # explicit, inherited, article, conflict, none
    time_precision: int
    where: Where | None
    own_place: bool
    weapons: list[WeaponEntry]
    counts: dict[str, int]
    fatalities: int | None
    injured: int | None
    actor1: str = ""
    actor2: str = ""
    state_actor: bool | None = None
    actor1_country: str | None = None
    target: str = ""
    conflicts: list[str] = field(default_factory=list)
    attached: bool = False
    confidence: float = 0.5
    members: int = 1
    notes_score: float = 0.0

    @property
    def strong(self) -> bool:
        return self.typing.strong

    @property
    def soft_date(self) -> bool:
        return self.date_source in ("inherited", "article", "none", "conflict")

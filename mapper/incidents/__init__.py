"""Place-tagged text -> Incident: detection, typing, dates, actors, weapons, location linking.

>>> from mapper.incidents import extract_incidents       # doctest: +SKIP
>>> extract_incidents(article)                            # doctest: +SKIP
[Incident(event_id_cnty='UKR...', event_type='Explosions/Remote violence', ...)]
"""
from __future__ import annotations

from mapper.incidents.extract import Extractor, extract_incidents, extract_many

__all__ = ["Extractor", "extract_incidents", "extract_many"]

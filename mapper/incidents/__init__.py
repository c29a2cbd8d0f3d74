"""Place-tagged text -> Incident: detection, typing, dates, actors, weapons, location linking.

The stage reads each sentence (or clause) of an article for incident cues, types it with
ACLED's taxonomy, resolves its dates against the article date, reads its figures (fatalities,
injured, weapons fired / intercepted / hit), its actors, weapon and target, ties it to the place
where it happened, and merges the statements that tell one incident into one
:class:`~mapper.model.Incident`.

Modules: :mod:`~mapper.incidents.lexicon` (the data files under ``lexicons/``),
:mod:`~mapper.incidents.detect` (cues and typing rules), :mod:`~mapper.incidents.dates`,
:mod:`~mapper.incidents.numbers`, :mod:`~mapper.incidents.actors`,
:mod:`~mapper.incidents.locate` (place roles, unknown villages),
:mod:`~mapper.incidents.extract` (the pass over an article) and the steps it runs:
:mod:`~mapper.incidents.statements`, :mod:`~mapper.incidents.missed_places`,
:mod:`~mapper.incidents.datelines`, :mod:`~mapper.incidents.placing`,
:mod:`~mapper.incidents.parsing`, :mod:`~mapper.incidents.roles`,
:mod:`~mapper.incidents.event_dates`, :mod:`~mapper.incidents.weapons`,
:mod:`~mapper.incidents.merging` and :mod:`~mapper.incidents.output`.

Examples
--------
>>> from mapper.incidents import extract_incidents, extract_many     # doctest: +SKIP
>>> [(i.event_date, i.sub_event_type, i.location) for i in extract_incidents(article)]  # doctest: +SKIP
[(datetime.date(2024, 5, 19), 'Shelling/artillery/missile attack', 'Saltivka')]
>>> for article, incidents in extract_many(articles, use_spacy=True):  # doctest: +SKIP
...     ...
"""
from __future__ import annotations

from mapper.incidents.extract import Extractor, extract_incidents, extract_many

__all__ = ["Extractor", "extract_incidents", "extract_many"]

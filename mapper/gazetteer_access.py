"""How mapper gets its gazetteer: the built file, built on first use from the embedded sources."""
from __future__ import annotations

import logging
import os

from gazetteer.build import ensure_gazetteer
from gazetteer.index import Gazetteer

log = logging.getLogger(__name__)
_open: dict[str, Gazetteer] = {}


def open_gazetteer(path: str | os.PathLike | None = None, *, build_if_needed: bool = True) -> Gazetteer:
    """An open gazetteer; builds the embedded one (offline, about half a minute) when missing or stale.

    An explicit ``path`` that does not exist is an error rather than a silent build elsewhere.
    """
    key = str(path or "")
    if key in _open:
        return _open[key]
    if path is None and build_if_needed:
        from gazetteer.build import is_current
        from gazetteer.paths import default_gazetteer_path

        target = default_gazetteer_path()
        if not target.exists() or not is_current(target):
            log.warning("building the local gazetteer at %s (first run or sources changed)", target)
            ensure_gazetteer(target)
    gz = Gazetteer.open(path)
    _open[key] = gz
    return gz

"""Where the gazetteer file lives.

``MAPPER_GAZETTEER`` names the file directly (handy on clusters: point every worker at one
copy); otherwise it sits in the user's data directory, ``$XDG_DATA_HOME/mapper/gazetteer.sqlite``
(``~/.local/share/mapper/gazetteer.sqlite`` by default).
"""
from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "MAPPER_GAZETTEER"


def default_gazetteer_path() -> Path:
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "mapper" / "gazetteer.sqlite"


def boundaries_path() -> Path:
    return Path(__file__).parent / "data" / "boundaries.gpkg"

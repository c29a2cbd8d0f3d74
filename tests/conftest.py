"""Shared fixtures: the embedded gazetteer is built once per machine (about 30 s) and reused."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from gazetteer.paths import ENV_VAR, default_gazetteer_path

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def gazetteer_path() -> Path:
    from gazetteer.build import ensure_gazetteer

    path = default_gazetteer_path()
    ensure_gazetteer(path, progress=False)
    # CLI commands run in-process must find the same file.
    os.environ.setdefault(ENV_VAR, str(path))
    return path


@pytest.fixture(scope="session")
def gazetteer(gazetteer_path):
    from gazetteer.index import Gazetteer

    return Gazetteer.open(gazetteer_path)


@pytest.fixture(scope="session")
def geocoder(gazetteer):
    from gazetteer.geocoder import LocalGeocoder

    return LocalGeocoder(gazetteer)


@pytest.fixture
def data_dir() -> Path:
    return DATA

"""Local, offline gazetteer: GeoNames places, admin units and boundaries in one SQLite file.

This package knows nothing of articles or maps; :mod:`mapper` builds on it.
"""
from gazetteer.errors import GazetteerError

__all__ = ["GazetteerError"]

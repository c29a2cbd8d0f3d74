"""Streaming readers for the standard GeoNames dump files, from local files (plain or zipped).

The files and their layouts (https://download.geonames.org/export/dump/readme.txt):

* the geoname table -- ``allCountries.zip``, per-country ``CC.zip`` (holding ``CC.txt``),
  ``cities500.zip`` ... -- 19 tab-separated columns;
* ``alternateNamesV2.zip`` / per-country ``alternatenames/CC.zip`` -- 10 columns
  (the older ``alternateNames`` layout has 8);
* ``admin1CodesASCII.txt`` and ``admin2Codes.txt`` -- 4 columns: code, name, asciiname, geonameid;
* ``countryInfo.txt`` -- 19 columns after '#' comment lines.

Every reader streams (``allCountries.txt`` is 1.5 GB) and raises :class:`SourceFormatError`
naming the file and line of the first malformed line; nothing is skipped silently except blank
lines, comments, and the alternate names GeoNames itself marks as links, codes or historic.
"""
from __future__ import annotations

import math
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from contextlib import closing, contextmanager
from itertools import islice
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator

from gazetteer.errors import GazetteerError, SourceFormatError

__all__ = [
    "GEONAMES", "ALTERNATE_NAMES", "ADMIN1_CODES", "ADMIN2_CODES", "COUNTRY_INFO", "KIND_ORDER",
    "DumpFile", "GeonameRow", "AlternateNameRow", "AdminCodeRow", "CountryInfoRow",
    "detect", "iter_geonames", "iter_alternate_names", "read_admin_codes", "read_country_info",
    "is_url", "download",
]

GEONAMES = "geonames"
ALTERNATE_NAMES = "alternatenames"
ADMIN1_CODES = "admin1codes"
ADMIN2_CODES = "admin2codes"
COUNTRY_INFO = "countryinfo"
# The order an import applies files in, whatever order they were named in: admin names before
# the places that use them, alternate names after the places they name.
KIND_ORDER = {COUNTRY_INFO: 0, ADMIN1_CODES: 1, ADMIN2_CODES: 2, GEONAMES: 3, ALTERNATE_NAMES: 4}

GEONAME_COLUMNS = 19
# alternateNames "isolanguage" values that are not names of the place.
SKIP_LANGUAGES = frozenset({"link", "wkdt", "post", "iata", "icao", "faac", "fr_1793", "abbr", "unlc"})
_IGNORED_MEMBERS = {"readme.txt", "iso-languagecodes.txt"}
_COUNTRY_FILE = re.compile(r"^[a-z]{2}$")
_GEONAME_TABLES = re.compile(r"^(allcountries|cities\d+|no-country|nocountry)$")


@dataclass(frozen=True)
class DumpFile:
    """One GeoNames table to read: a plain file, or one member of a zip archive."""

    path: Path
    kind: str
    member: str | None = None

    @property
    def label(self) -> str:
        return f"{self.path} ({self.member})" if self.member else str(self.path)

    @contextmanager
    def open(self) -> Iterator[IO[bytes]]:
        """The table as bytes: lines split on LF only (a stray CR inside a name must not split a
        line), decoded one by one so a bad byte is reported on its own line."""
        if self.member is None:
            with open(self.path, "rb") as fh:
                yield fh
            return
        with zipfile.ZipFile(self.path) as zf, zf.open(self.member) as fh:
            yield fh

    def lines(self) -> Iterator[tuple[int, str]]:
        """(line number, text without the line end) for every line."""
        with self.open() as fh:
            for lineno, raw in enumerate(fh, 1):
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise SourceFormatError(f"{self.label}, line {lineno}: not UTF-8 text ({exc.reason} at "
                                            f"byte {exc.start + 1} of the line)") from None
                yield lineno, text.rstrip("\n").rstrip("\r")


@dataclass(slots=True)
class GeonameRow:
    geonameid: int
    name: str
    asciiname: str
    alternatenames: list[str]
    lat: float
    lon: float
    feature_class: str
    feature_code: str
    country_code: str
    admin1_code: str
    admin2_code: str
    population: int


@dataclass(slots=True)
class AlternateNameRow:
    geonameid: int
    language: str
    name: str
    preferred: bool
    short: bool
    colloquial: bool


@dataclass(slots=True)
class AdminCodeRow:
    code: str              # "RU.41" or "RU.41.563299"
    name: str
    asciiname: str
    geonameid: int | None


@dataclass(slots=True)
class CountryInfoRow:
    iso2: str
    iso3: str
    name: str
    geonameid: int | None


# ---------------------------------------------------------------------------------------------
# Detecting which table a file holds


def _pick_member(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if not n.endswith("/")]
    except zipfile.BadZipFile as exc:
        raise SourceFormatError(f"{path}: not a readable zip archive ({exc})") from exc
    texts = [n for n in names if n.lower().endswith(".txt") and Path(n).name.lower() not in _IGNORED_MEMBERS]
    if not texts:
        raise SourceFormatError(f"{path}: the archive holds no GeoNames .txt table (found {', '.join(names) or 'nothing'})")
    same_stem = [n for n in texts if Path(n).stem.lower() == path.stem.lower()]
    if same_stem:
        return same_stem[0]
    if len(texts) > 1:
        raise SourceFormatError(f"{path}: the archive holds several tables ({', '.join(texts)}); unzip it and name the one to import")
    return texts[0]


def _kind_by_name(filename: str, parent: str) -> str | None:
    stem = Path(filename).stem.lower()
    if stem.startswith("alternatenames") or parent.lower() == "alternatenames":
        return ALTERNATE_NAMES
    if stem.startswith("admin1codes"):
        return ADMIN1_CODES
    if stem.startswith("admin2codes"):
        return ADMIN2_CODES
    if stem.startswith("countryinfo"):
        return COUNTRY_INFO
    if _GEONAME_TABLES.match(stem) or _COUNTRY_FILE.match(stem):
        return GEONAMES
    return None


def _sniff(dump: DumpFile) -> str | None:
    """The table kind a file's first data line looks like, or None."""
    with closing(dump.lines()) as lines:
        for _, line in islice(lines, 50):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            n, first = len(fields), fields[0]
            if n == GEONAME_COLUMNS and first.isdigit():
                return GEONAMES
            if n >= 17 and re.fullmatch(r"[A-Z]{2}", first) and re.fullmatch(r"[A-Z]{3}", fields[1]):
                return COUNTRY_INFO
            if n in (8, 10) and first.isdigit() and fields[1].isdigit():
                return ALTERNATE_NAMES
            if n == 4 and first.count(".") == 1:
                return ADMIN1_CODES
            if n == 4 and first.count(".") == 2:
                return ADMIN2_CODES
            return None
    return None


def detect(path: str | Path) -> DumpFile:
    """Which GeoNames table ``path`` holds: by its name, else by its columns.

    Raises :class:`FileNotFoundError` for a missing file and :class:`SourceFormatError` for a
    file that is none of the tables above.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(2, "No such GeoNames file", str(path))
    member = _pick_member(path) if zipfile.is_zipfile(path) else None
    by_name = _kind_by_name(path.name, path.parent.name) or (_kind_by_name(member, "") if member else None)
    sniffed = _sniff(DumpFile(path, "", member))
    if by_name == GEONAMES and sniffed == ALTERNATE_NAMES:
        # alternatenames/RU.zip holds "RU.txt" too; its columns tell it apart.
        by_name = ALTERNATE_NAMES
    kind = by_name or sniffed
    if kind is None:
        raise SourceFormatError(
            f"{path}: cannot tell which GeoNames table this is; expected the geoname table (19 columns), "
            "alternateNamesV2 (10), admin1CodesASCII/admin2Codes (4) or countryInfo.txt"
        )
    return DumpFile(path, kind, member)


# ---------------------------------------------------------------------------------------------
# Reading


def _lines(dump: DumpFile, skip_comments: bool = False) -> Iterator[tuple[int, list[str]]]:
    lineno = 0
    try:
        for lineno, line in dump.lines():
            if not line.strip() or (skip_comments and line.startswith("#")):
                continue
            yield lineno, line.split("\t")
    except (zipfile.BadZipFile, EOFError) as exc:
        raise SourceFormatError(f"{dump.label}, line {lineno + 1}: the archive is damaged ({exc})") from exc


def _fail(dump: DumpFile, lineno: int, message: str) -> SourceFormatError:
    return SourceFormatError(f"{dump.label}, line {lineno}: {message}")


def _int(dump: DumpFile, lineno: int, value: str, what: str, *, optional: bool = False,
         empty: int | None = None) -> int | None:
    value = value.strip()
    if not value:
        if optional:
            return empty
        raise _fail(dump, lineno, f"{what} is empty")
    try:
        return int(value)
    except ValueError:
        raise _fail(dump, lineno, f"{what} {value!r} is not a whole number") from None


def _coord(dump: DumpFile, lineno: int, value: str, what: str, limit: float) -> float:
    try:
        number = float(value)
    except ValueError:
        raise _fail(dump, lineno, f"{what} {value!r} is not a number") from None
    if not math.isfinite(number) or abs(number) > limit:
        raise _fail(dump, lineno, f"{what} {value!r} is outside [-{limit:g}, {limit:g}]")
    return number


def iter_geonames(dump: DumpFile) -> Iterator[GeonameRow]:
    for lineno, f in _lines(dump):
        if len(f) != GEONAME_COLUMNS:
            raise _fail(dump, lineno, f"expected {GEONAME_COLUMNS} tab-separated columns of the geoname table, "
                                      f"found {len(f)}")
        gid = _int(dump, lineno, f[0], "geonameid")
        if gid <= 0:
            raise _fail(dump, lineno, f"geonameid {f[0]!r} is not positive")
        name = f[1].strip()
        if not name:
            raise _fail(dump, lineno, "the name column is empty")
        population = _int(dump, lineno, f[14], "population", optional=True, empty=0)
        yield GeonameRow(
            geonameid=gid, name=name, asciiname=f[2].strip(),
            alternatenames=[a for a in f[3].split(",") if a.strip()] if f[3] else [],
            lat=_coord(dump, lineno, f[4], "latitude", 90.0), lon=_coord(dump, lineno, f[5], "longitude", 180.0),
            feature_class=f[6].strip(), feature_code=f[7].strip(), country_code=f[8].strip(),
            admin1_code=f[10].strip(), admin2_code=f[11].strip(), population=max(population, 0),
        )


def iter_alternate_names(dump: DumpFile) -> Iterator[AlternateNameRow]:
    """Names worth matching: links, codes (iata, post, ...) and historic names are left out."""
    for lineno, f in _lines(dump):
        if len(f) not in (8, 10):
            raise _fail(dump, lineno, f"expected 10 tab-separated columns of alternateNamesV2 (or 8 of "
                                      f"alternateNames), found {len(f)}")
        _int(dump, lineno, f[0], "alternateNameId")
        gid = _int(dump, lineno, f[1], "geonameid")
        language = f[2].strip()
        if language in SKIP_LANGUAGES or f[7].strip() == "1":
            continue
        name = f[3].strip()
        if not name:
            continue
        yield AlternateNameRow(geonameid=gid, language=language, name=name, preferred=f[4].strip() == "1",
                               short=f[5].strip() == "1", colloquial=f[6].strip() == "1")


def read_admin_codes(dump: DumpFile) -> list[AdminCodeRow]:
    dots = 1 if dump.kind == ADMIN1_CODES else 2
    rows = []
    for lineno, f in _lines(dump):
        if len(f) != 4:
            raise _fail(dump, lineno, f"expected 4 tab-separated columns (code, name, asciiname, geonameid), found {len(f)}")
        code = f[0].strip()
        if code.count(".") != dots or not all(code.split(".")):
            example = "RU.41" if dots == 1 else "RU.41.563299"
            raise _fail(dump, lineno, f"code {code!r} is not like {example!r}")
        name = f[1].strip() or f[2].strip()
        if not name:
            raise _fail(dump, lineno, "the name columns are empty")
        rows.append(AdminCodeRow(code=code, name=name, asciiname=f[2].strip(),
                                 geonameid=_int(dump, lineno, f[3], "geonameid", optional=True)))
    return rows


def read_country_info(dump: DumpFile) -> list[CountryInfoRow]:
    rows = []
    for lineno, f in _lines(dump, skip_comments=True):
        if len(f) < 17:
            raise _fail(dump, lineno, f"expected 19 tab-separated columns of countryInfo.txt, found {len(f)}")
        iso2 = f[0].strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", iso2):
            raise _fail(dump, lineno, f"ISO code {f[0]!r} is not two letters")
        name = f[4].strip()
        if not name:
            raise _fail(dump, lineno, "the country name is empty")
        rows.append(CountryInfoRow(iso2=iso2, iso3=f[1].strip().upper(), name=name,
                                   geonameid=_int(dump, lineno, f[16], "geonameid", optional=True)))
    return rows


# ---------------------------------------------------------------------------------------------
# Downloading, only ever for a URL the user named


def is_url(source: str) -> bool:
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", str(source)))


def download(url: str, dest_dir: Path, stream: IO[str] | None = None, timeout: float = 60.0) -> Path:
    """Fetch ``url`` into ``dest_dir``, keeping its file name (and an ``alternatenames/`` parent)
    so the table can still be told by name; report progress on ``stream`` (stderr)."""
    stream = stream or sys.stderr
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in ("http", "https"):
        raise GazetteerError(f"{url}: only http(s) URLs can be downloaded; give other files as local paths")
    parts = [urllib.parse.unquote(p) for p in parsed.path.split("/") if p]
    if not parts:
        raise GazetteerError(f"{url}: the URL names no file")
    folder = Path(dest_dir)
    if len(parts) > 1 and parts[-2].lower() == "alternatenames":
        folder = folder / "alternatenames"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / Path(parts[-1]).name
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp, open(target, "wb") as out:
            total = int(resp.headers.get("Content-Length") or 0)
            done, last = 0, 0.0
            print(f"downloading {url}", file=stream, flush=True)
            while True:
                chunk = resp.read(1 << 20)
                if not chunk:
                    break
                out.write(chunk)
                done += len(chunk)
                now = time.monotonic()
                if now - last >= 1.0:
                    last = now
                    of = f" of {total / 1e6:.1f}" if total else ""
                    print(f"\r  {done / 1e6:.1f}{of} MB", end="", file=stream, flush=True)
            print(f"\r  {done / 1e6:.1f} MB done", file=stream, flush=True)
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        target.unlink(missing_ok=True)
        reason = getattr(exc, "reason", None) or exc
        raise GazetteerError(f"could not download {url}: {reason}") from exc
    return target

"""Benchmark the interactive map: HTML size, time to write, time to first paint in headless Chromium.

    python benchmarks/bench_map.py            # prints the figures as JSON
    python benchmarks/bench_map.py 1000 10000 # only these sizes

For 1,000, 10,000 and 100,000 synthetic incidents (uniform random points over Ukraine and
western Russia, lon 22..45, lat 44..56; the six ACLED event types plus some empty ones; dates
over 2024; a realistic mix of precisions, actors, places, and one source sentence of about 100
characters per incident, several incidents per article), with heat map and choropleth on:

* ``map_<n>_size_mb``: size of the self-contained HTML file;
* ``map_<n>_write_s``: ``render_map`` wall time (building the payload, background, rendering, writing);
* ``map_<n>_first_paint_s``: from navigation start to ``window.mapperReady`` (every marker in the
  cluster group and the first clusters drawn), in headless Chromium with the network blocked,
  measured by the page itself (``window.mapperReadyAt``); best of ``repeats`` page loads.

Also ``map_10_size_kb``: a map of 10 incidents, i.e. the fixed cost of the inlined libraries and
the offline background.  Goals: 100k incidents -> at most 20 MB, written in at most 15 s, first
paint within 5 s.  The browser figures are ``None`` (with ``browser_skipped`` saying why) when
playwright or /usr/bin/chromium is missing.  Generating the incidents is not timed.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

SIZES = (1_000, 10_000, 100_000)
BBOX = (22.0, 44.0, 45.0, 56.0)   # lon_min, lat_min, lon_max, lat_max
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]

_TYPES = [
    ("Battles", "Armed clash"), ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Explosions/Remote violence", "Air/drone strike"), ("Violence against civilians", "Attack"),
    ("Protests", "Peaceful protest"), ("Riots", "Violent demonstration"),
    ("Strategic developments", "Disrupted weapons use"), ("", ""),
]
_ACTORS = ["Military Forces of Russia (2000-)", "Military Forces of Ukraine (2019-)", "Civilians (Ukraine)",
           "Protesters (Russia)", "Wagner Group", "Police Forces of Russia (2000-)", "Unidentified Armed Group"]
_WEAPONS = ["artillery", "drone", "missile", "small arms", "glide bomb", ""]
_OUTLETS = ["Ukrainska Pravda", "Kyiv Independent", "Meduza", "Reuters", "Suspilne", "RBC-Ukraine"]


def make_incidents(n: int, seed: int = 0) -> list[dict]:
    """``n`` synthetic incident records (flat dicts with mapper's columns)."""
    import random

    rng = random.Random(seed)
    lon_min, lat_min, lon_max, lat_max = BBOX
    towns = [f"Town {i}" for i in range(400)]
    start = dt.date(2024, 1, 1)
    records = []
    article = None
    for i in range(n):
        if article is None or rng.random() < 0.3:          # about 3 incidents per article
            number = len(records)
            outlet = rng.choice(_OUTLETS)
            article = {
                "source": outlet,
                "source_url": f"https://news.example.org/{outlet.lower().replace(' ', '-')}/2024/article-{number}",
                "source_title": f"Overnight attacks reported in the region, day {number % 366}",
                "source_date": (start + dt.timedelta(days=rng.randint(0, 365))).isoformat(),
            }
        event_type, sub_type = rng.choice(_TYPES)
        town = rng.choice(towns)
        killed, injured = rng.choice([0, 0, 1, 2, 3, 5]), rng.choice([0, 1, 2, 4, 7, 12])
        weapon = rng.choice(_WEAPONS)
        day = start + dt.timedelta(days=rng.randint(0, 365))
        records.append({
            "event_id_cnty": f"SYN{i}",
            "event_date": day.isoformat() if rng.random() > 0.02 else None,
            "time_precision": 1,
            "event_type": event_type,
            "sub_event_type": sub_type,
            "actor1": rng.choice(_ACTORS),
            "actor2": rng.choice(_ACTORS),
            "country": "Ukraine",
            "admin1": f"Region {rng.randint(1, 40)}",
            "location": town,
            "latitude": rng.uniform(lat_min, lat_max),
            "longitude": rng.uniform(lon_min, lon_max),
            "geo_precision": rng.choice([1, 1, 1, 2, 2, 3]),
            "notes": (f"On {day:%d %B}, forces struck {town} with {weapon or 'unknown weapons'}, "
                      f"killing {killed} and injuring {injured} people, officials said."),
            "fatalities": killed,
            "injured": injured,
            "weapon": weapon,
            "counts": {"killed": killed, "injured": injured},
            "confidence": round(rng.uniform(0.3, 1.0), 2),
            **article,
        })
    return records


def _browser():
    """(playwright context manager, reason) -- reason is set when the browser cannot run."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None, "playwright is not installed"
    if not os.path.exists(CHROMIUM):
        return None, f"{CHROMIUM} is missing"
    return sync_playwright, None


def first_paint(browser, path: Path, timeout_s: float = 120) -> float:
    """Seconds from navigation start to ``window.mapperReady`` for the map at *path* (network blocked)."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    try:
        page.goto(path.resolve().as_uri(), wait_until="commit", timeout=timeout_s * 1000)
        page.wait_for_function("window.mapperReady === true", timeout=timeout_s * 1000, polling=50)
        if errors:
            raise RuntimeError(f"JavaScript errors in {path.name}: {errors}")
        return page.evaluate("window.mapperReadyAt") / 1000
    finally:
        page.close()


def run(sizes=SIZES, repeats: int = 2) -> dict:
    from mapper.render import render_map

    results: dict = {}
    folder = Path(tempfile.mkdtemp(prefix="bench_map."))
    maps = {}
    try:
        small = render_map(make_incidents(10, seed=1), folder / "map_10.html", title="10 incidents")
        results["map_10_size_kb"] = round(small.stat().st_size / 1024, 1)
        for n in sizes:
            records = make_incidents(n)
            path = folder / f"map_{n}.html"
            started = time.perf_counter()
            render_map(records, path, title=f"{n:,} synthetic incidents", heatmap=True, choropleth=True)
            results[f"map_{n}_write_s"] = round(time.perf_counter() - started, 2)
            results[f"map_{n}_size_mb"] = round(path.stat().st_size / 1e6, 2)
            maps[n] = path
            del records
        factory, reason = _browser()
        if factory is None:
            results["browser_skipped"] = reason
            for n in sizes:
                results[f"map_{n}_first_paint_s"] = None
            return results
        with factory() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for n, path in maps.items():
                    times = [first_paint(browser, path) for _ in range(repeats)]
                    results[f"map_{n}_first_paint_s"] = round(min(times), 2)
            finally:
                browser.close()
        return results
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    chosen = tuple(int(a) for a in sys.argv[1:]) or SIZES
    print(json.dumps(run(chosen), indent=2))

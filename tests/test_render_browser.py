"""The incident map in a real browser: headless Chromium via Playwright, with the network blocked.

Every page is opened from a file:// URL and every request that is not file: is aborted (and
recorded), so these tests also prove the map is self-contained.  Each test fails on any
JavaScript error, console error or dialog (alert/confirm/prompt).
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")

CHROMIUM = "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); never run `playwright install`",
                allow_module_level=True)

from mapper.render import render_map  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '<img src=x onerror="window.__xss=1;alert(2)">'


def incidents() -> list[dict]:
    """Ten incidents in Ukraine: every type, every precision, some undated, one XSS-laden, one unmapped."""
    base = {"country": "Ukraine", "source": "Test Wire", "source_url": "https://example.org/article-1",
            "source_title": "Shelling reported in the east", "source_date": "2024-03-10"}
    rows = [
        ("Battles", "Armed clash", "2024-03-01", 49.99, 36.23, 1, "Kharkiv", 3, 5),
        ("Explosions/Remote violence", "Air/drone strike", "2024-03-02", 50.45, 30.52, 1, "Kyiv", 1, 12),
        ("Violence against civilians", "Attack", "2024-03-05", 46.48, 30.72, 2, "Odesa", 0, 2),
        ("Protests", "Peaceful protest", "2024-03-09", 49.84, 24.03, 1, "Lviv", None, None),
        ("Riots", "Mob violence", "2024-03-15", 48.46, 35.04, 3, "Dnipro", 0, 0),
        ("Strategic developments", "Agreement", "2024-03-20", 47.84, 35.14, 1, "Zaporizhzhia", None, None),
        ("", "", None, 48.0, 37.8, 2, "Donetsk", 2, None),
        ("Looting", "", "not a date", 46.64, 32.61, 1, "Kherson", None, None),
    ]
    records = []
    for i, (etype, sub, date, lat, lon, prec, place, killed, injured) in enumerate(rows):
        records.append({**base, "event_id_cnty": f"T{i}", "event_type": etype, "sub_event_type": sub,
                        "event_date": date, "latitude": lat, "longitude": lon, "geo_precision": prec,
                        "location": place, "admin1": place, "fatalities": killed, "injured": injured,
                        "actor1": "Military Forces of Russia", "actor2": "Civilians (Ukraine)",
                        "weapon": "drone" if i == 1 else "", "notes": f"Sentence number {i} about {place}."})
    records.append({**base, "event_id_cnty": "XSS", "event_type": XSS_SCRIPT, "sub_event_type": XSS_IMG,
                    "event_date": "2024-03-03", "latitude": 50.0, "longitude": 33.0, "geo_precision": 1,
                    "location": XSS_IMG, "actor1": XSS_SCRIPT, "notes": f"Payload {XSS_SCRIPT} {XSS_IMG}",
                    "source_title": XSS_IMG, "source_url": "javascript:alert(3)", "weapon": XSS_SCRIPT})
    records.append({"event_id_cnty": "NOWHERE", "event_type": "Battles", "latitude": None, "longitude": None})
    return records


MAPPED = len(incidents()) - 1


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class Page:
    """A page with the network blocked and every error, dialog and remote request recorded."""

    def __init__(self, browser):
        self.page = browser.new_page(viewport={"width": 1280, "height": 800})
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.remote: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        self.page.on("console", self._console)
        self.page.on("dialog", self._dialog)
        self.page.route("**/*", self._route)

    def _console(self, message):
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _route(self, route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            self.remote.append(route.request.url)
            route.abort()

    def open(self, path: Path):
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_function("window.mapperReady === true", timeout=30_000)
        return self

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def shown(self) -> int:
        """Incident markers in the cluster group (cluster icons are markers too, so not the DOM)."""
        return self.js("window.mapperLayers.cluster.getLayers().length")

    def settle(self):
        self.page.wait_for_function("!window.mapperApp._busy && !window.mapperApp._syncTimer")
        self.page.wait_for_timeout(50)

    def expect_shown(self, expected: int, timeout_ms: int = 5000) -> None:
        """Wait (bounded) until the map shows ``expected`` markers: filters apply asynchronously."""
        try:
            self.page.wait_for_function(
                f"window.mapperLayers.cluster.getLayers().length === {int(expected)}", timeout=timeout_ms)
        except Exception:
            pass
        assert self.shown() == expected

    def check_clean(self):
        assert self.errors == []
        assert self.dialogs == []
        assert self.remote == []


@pytest.fixture
def page(browser):
    page = Page(browser)
    yield page
    page.page.close()


@pytest.fixture(scope="module")
def map_path(tmp_path_factory) -> Path:
    return render_map(incidents(), tmp_path_factory.mktemp("map") / "map.html", title="Test <b>map</b>",
                      heatmap=True, choropleth=True)


def open_popup(page: Page, event_id: str) -> str:
    """Zoom to the incident's marker, click its icon like a user, return the popup's text."""
    index = page.js("id => window.mapperApp.cols.event_id_cnty.indexOf(id)", event_id)
    assert index >= 0
    page.js("void window.mapperApp.map.closePopup()")
    page.js("""i => new Promise(resolve => {
        const m = window.mapperLayers.markers[i];
        window.mapperLayers.cluster.zoomToShowLayer(m, () => setTimeout(resolve, 400));
    })""", index)
    icon = page.page.evaluate_handle("i => window.mapperLayers.markers[i]._icon", index).as_element()
    assert icon is not None, "the marker is not on the map"
    icon.click()
    page.page.wait_for_selector(".leaflet-popup-content .mp-popup")
    text = page.page.inner_text(".leaflet-popup-content")
    assert event_id in text
    return text


def test_one_marker_per_mapped_incident(page, map_path):
    page.open(map_path)
    page.expect_shown(MAPPED)
    assert page.js("window.mapperApp.n") == MAPPED
    summary = page.page.inner_text(".mp-summary")
    assert "Test <b>map</b>" in summary                   # the title as text, not markup
    assert f"{MAPPED} incidents" in summary.replace("\n", " ")
    assert "without coordinates" in summary
    assert page.page.title() == "Test <b>map</b>"
    page.check_clean()


def test_popup_shows_the_incident(page, map_path):
    page.open(map_path)
    text = open_popup(page, "T0")
    assert "Battles" in text and "Armed clash" in text
    assert "2024-03-01" in text
    assert "Kharkiv" in text and "the town itself" in text
    assert "Military Forces of Russia" in text
    assert "3 killed, 5 injured" in text
    assert "Sentence number 0 about Kharkiv." in text
    link = page.page.locator(".leaflet-popup-content a")
    assert link.get_attribute("href") == "https://example.org/article-1"
    assert link.inner_text() == "Shelling reported in the east"
    assert link.get_attribute("rel") == "noopener noreferrer"
    page.check_clean()


def test_popup_of_imprecise_undated_unknown_type(page, map_path):
    page.open(map_path)
    text = open_popup(page, "T6")
    assert "Unknown event type" in text
    assert "date unknown" in text
    assert "near a town" in text
    # the focus layer outlines the uncertainty of the selected incident
    assert page.js("window.mapperApp.focus.getLayers().length") == 1
    assert page.js("window.mapperApp.focus.getLayers()[0] instanceof L.Circle")
    # an incident known only to its region is outlined by the region's polygon
    text = open_popup(page, "T4")
    assert "only the region" in text
    assert page.js("window.mapperApp.focus.getLayers()[0] instanceof L.GeoJSON")
    text = open_popup(page, "T7")
    assert "Looting" in text and "not a date" in text
    page.check_clean()


def test_time_filter_hides_and_shows_markers(page, map_path):
    page.open(map_path)
    days = page.js("window.mapperApp.cols.day")
    undated = sum(d is None for d in days)
    last = max(d for d in days if d is not None)
    # a user drags the "from" handle to the end with the keyboard
    page.page.focus(".mp-time .mp-from")
    page.page.keyboard.press("End")
    page.settle()
    page.expect_shown(sum(d == last for d in days) + undated)
    assert "2024-03-20" in page.page.inner_text(".mp-time-range")
    # undated incidents can be hidden too
    page.page.uncheck(".mp-undated input")
    page.settle()
    page.expect_shown(sum(d == last for d in days))
    # "All dates" restores everything
    page.page.check(".mp-undated input")
    page.page.click(".mp-reset")
    page.settle()
    page.expect_shown(MAPPED)
    # and the app's own API
    page.js("void window.mapperApp.setDateRange('2024-03-01', '2024-03-05')")
    page.settle()
    first, last = ((dt.date(2024, 3, d) - dt.date(1970, 1, 1)).days for d in (1, 5))
    in_range = [d for d in days if d is not None and first <= d <= last]
    page.expect_shown(len(in_range) + undated)
    assert "shown" in page.page.inner_text(".mp-summary")
    page.check_clean()


def test_event_type_layers(page, map_path):
    page.open(map_path)
    names = page.js("Object.keys(window.mapperLayers.types)")
    assert set(names) == {"battles", "explosions", "civilians", "protests", "riots", "strategic", "other"}
    # untick "Battles" in the layer control, as a user would
    page.page.hover(".leaflet-control-layers")
    page.page.locator(".leaflet-control-layers-overlays label", has_text="Battles").locator("input").uncheck()
    page.settle()
    page.expect_shown(MAPPED - 1)
    # the legend button toggles it back, and the layer control follows
    page.page.locator(".mp-legend-item", has_text="Battles").click()
    page.settle()
    page.expect_shown(MAPPED)
    assert page.page.locator(".leaflet-control-layers-overlays label", has_text="Battles").locator("input").is_checked()
    page.check_clean()


def test_xss_payloads_stay_text(page, map_path):
    page.open(map_path)
    text = open_popup(page, "XSS")
    assert XSS_SCRIPT in text and XSS_IMG in text         # shown literally
    assert page.page.locator(".leaflet-popup-content a").count() == 0   # javascript: never becomes a link
    page.page.wait_for_timeout(200)
    assert page.js("window.__xss === undefined")
    assert page.js("document.querySelectorAll('img[src=x], .leaflet-popup-content script').length") == 0
    page.check_clean()                                    # no alert() dialog ever opened


def test_overlays_and_controls(page, map_path):
    page.open(map_path)
    layers = page.js("""(() => {
        const l = window.mapperLayers, map = window.mapperApp.map;
        return {heat: map.hasLayer(l.heat), choropleth: l.choropleth.getLayers().length,
                background: l.background.getLayers().length, uncertainty: !!l.uncertainty};
    })()""")
    assert layers["heat"] and layers["choropleth"] > 20 and layers["background"] >= 2 and layers["uncertainty"]
    assert "Incidents per region" in page.page.inner_text(".mp-choro-legend")
    assert page.page.locator(".mp-minimap .leaflet-container").count() == 1
    assert page.page.locator(".leaflet-control-scale").count() == 1
    page.page.click(".mp-fullscreen a")
    page.page.wait_for_timeout(200)
    assert page.js("document.fullscreenElement !== null || "
                   "document.querySelector('.mp-pseudo-fullscreen') !== null")
    # the view fits the data
    inside = page.js("""window.mapperLayers.markers.every(m => window.mapperApp.map.getBounds().contains(m.getLatLng()))""")
    assert inside
    # uncertainty outlines appear for imprecise incidents shown as single markers
    page.js("void window.mapperApp.map.setView([48.0, 37.8], 9, {animate: false})")
    page.page.wait_for_timeout(400)
    assert page.js("window.mapperLayers.uncertainty.getLayers().length") >= 1
    page.check_clean()


def test_compressed_payload(page, tmp_path):
    path = render_map(incidents(), tmp_path / "packed.html", compress_over=0)
    assert 'data-encoding="gzip+base64"' in path.read_text(encoding="utf-8")
    page.open(path)
    page.expect_shown(MAPPED)
    text = open_popup(page, "XSS")
    assert XSS_SCRIPT in text
    page.check_clean()


def test_empty_map(page, tmp_path):
    path = render_map([], tmp_path / "empty.html", tiles_online=False)
    page.open(path)
    page.expect_shown(0)
    assert "0 incidents" in page.page.inner_text(".mp-summary").replace("\n", " ")
    page.check_clean()

"""Render a map of a few sample incidents and take the README's screenshot, offline.

    python benchmarks/screenshot.py                  # -> docs/map.png
    python benchmarks/screenshot.py out.png --html map.html

The incidents are invented for the picture (real towns, made-up events and sources).  The page is
opened in headless Chromium (/usr/bin/chromium) from a file:// URL with every other request
aborted, so the picture shows exactly what a user without internet sees.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]

# (date, type, sub-type, town, lat, lon, precision, actor1, actor2, weapon, killed, injured, sentence)
_EVENTS = [
    ("2024-02-02", "Explosions/Remote violence", "Shelling/artillery/missile attack", "Kharkiv", 49.9935, 36.2304, 1,
     "Military Forces of Russia", "Civilians (Ukraine)", "missile", 2, 11,
     "A missile struck a residential block in Kharkiv overnight, killing two people and injuring eleven."),
    ("2024-02-03", "Explosions/Remote violence", "Air/drone strike", "Kharkiv", 50.0120, 36.2650, 1,
     "Military Forces of Russia", "", "drone", 0, 3, "Drones hit an energy facility on the outskirts of Kharkiv."),
    ("2024-02-05", "Battles", "Armed clash", "Kupiansk", 49.7106, 37.6156, 2, "Military Forces of Russia",
     "Military Forces of Ukraine", "artillery", None, None, "Fighting continued near Kupiansk, the general staff said."),
    ("2024-02-06", "Battles", "Armed clash", "Kupiansk", 49.7300, 37.5800, 1, "Military Forces of Russia",
     "Military Forces of Ukraine", "", None, None, "Ukrainian units repelled an assault north of Kupiansk."),
    ("2024-02-07", "Battles", "Armed clash", "Avdiivka", 48.1394, 37.7497, 1, "Military Forces of Russia",
     "Military Forces of Ukraine", "glide bomb", None, None, "Heavy fighting was reported inside Avdiivka."),
    ("2024-02-09", "Battles", "Armed clash", "Avdiivka", 48.1500, 37.7300, 1, "Military Forces of Russia",
     "Military Forces of Ukraine", "", None, None, "Troops fought for the coke plant in Avdiivka."),
    ("2024-02-10", "Battles", "Armed clash", "Avdiivka", 48.1300, 37.7700, 1, "Military Forces of Russia",
     "Military Forces of Ukraine", "", None, None, "Clashes on the southern edge of Avdiivka."),
    ("2024-02-12", "Strategic developments", "Change to group/activity", "Avdiivka", 48.1394, 37.7497, 1,
     "Military Forces of Ukraine", "", "", None, None, "The army announced a withdrawal from Avdiivka."),
    ("2024-02-08", "Explosions/Remote violence", "Shelling/artillery/missile attack", "Kherson", 46.6354, 32.6169,
     1, "Military Forces of Russia", "Civilians (Ukraine)", "artillery", 1, 4,
     "Shelling of Kherson's Dnipro district killed one man, the regional governor said."),
    ("2024-02-14", "Explosions/Remote violence", "Shelling/artillery/missile attack", "Kherson region", 46.75, 33.4,
     3, "Military Forces of Russia", "", "artillery", 0, 2,
     "Settlements across the Kherson region came under artillery fire 84 times in a day."),
    ("2024-02-11", "Violence against civilians", "Attack", "Pokrovsk", 48.2833, 37.1833, 1,
     "Military Forces of Russia", "Civilians (Ukraine)", "rocket", 3, 6, "Rockets hit the centre of Pokrovsk."),
    ("2024-02-13", "Explosions/Remote violence", "Air/drone strike", "Odesa", 46.4825, 30.7233, 1,
     "Military Forces of Russia", "", "drone", 0, 8, "A drone attack damaged port infrastructure in Odesa."),
    ("2024-02-15", "Explosions/Remote violence", "Air/drone strike", "Odesa", 46.4600, 30.7400, 2,
     "Military Forces of Russia", "", "drone", 0, 1, "Debris from downed drones fell near Odesa."),
    ("2024-02-16", "Protests", "Peaceful protest", "Kyiv", 50.4501, 30.5234, 1, "Protesters (Ukraine)", "", "",
     None, None, "Relatives of prisoners of war rallied on Maidan in Kyiv."),
    ("2024-02-17", "Protests", "Peaceful protest", "Lviv", 49.8397, 24.0297, 1, "Protesters (Ukraine)", "", "",
     None, None, "Students in Lviv marched in support of the army."),
    ("2024-02-18", "Explosions/Remote violence", "Shelling/artillery/missile attack", "Zaporizhzhia", 47.8388,
     35.1396, 1, "Military Forces of Russia", "Civilians (Ukraine)", "missile", 1, 5,
     "A missile hit an industrial site in Zaporizhzhia."),
    ("2024-02-19", "Battles", "Armed clash", "Robotyne", 47.4466, 35.8386, 1, "Military Forces of Russia",
     "Military Forces of Ukraine", "", None, None, "Assaults near Robotyne were repelled."),
    ("2024-02-20", "Battles", "Armed clash", "Krynky", 46.7319, 33.0833, 2, "Military Forces of Ukraine",
     "Military Forces of Russia", "", None, None, "Marines held positions near Krynky on the left bank."),
    ("2024-02-21", "Explosions/Remote violence", "Air/drone strike", "Belgorod", 50.5997, 36.5983, 1,
     "Military Forces of Ukraine", "", "drone", 0, 2, "Drones were shot down over Belgorod, officials said."),
    ("2024-02-22", "Explosions/Remote violence", "Shelling/artillery/missile attack", "Belgorod region", 50.7,
     37.4, 3, "Military Forces of Ukraine", "", "artillery", 0, 1, "Border villages in the Belgorod region were shelled."),
    ("2024-02-23", "Riots", "Violent demonstration", "Sumy", 50.9077, 34.7981, 1, "Rioters (Ukraine)", "", "",
     0, 2, "A scuffle broke out outside a recruitment office in Sumy."),
    ("2024-02-24", "Violence against civilians", "Attack", "Vuhledar", 47.7800, 37.2500, 2,
     "Military Forces of Russia", "Civilians (Ukraine)", "artillery", 1, None, "A civilian was killed near Vuhledar."),
    ("2024-02-25", "Strategic developments", "Agreement", "Kyiv", 50.4400, 30.5400, 1, "Government of Ukraine", "",
     "", None, None, "A security agreement was signed in Kyiv."),
    ("2024-02-26", "Explosions/Remote violence", "Air/drone strike", "Dnipro", 48.4647, 35.0462, 1,
     "Military Forces of Russia", "Civilians (Ukraine)", "drone", 0, 4, "A drone hit a warehouse in Dnipro."),
    ("2024-02-27", "Battles", "Armed clash", "Bakhmut area", 48.5956, 38.0, 2, "Military Forces of Russia",
     "Military Forces of Ukraine", "", None, None, "Fighting went on west of Bakhmut."),
    ("2024-02-28", "Battles", "Armed clash", "Chasiv Yar", 48.5867, 37.8350, 1, "Military Forces of Russia",
     "Military Forces of Ukraine", "", None, None, "Attacks on Chasiv Yar intensified."),
    ("2024-02-29", "Explosions/Remote violence", "Shelling/artillery/missile attack", "Kramatorsk", 48.7389,
     37.5848, 1, "Military Forces of Russia", "Civilians (Ukraine)", "missile", 0, 3, "A missile hit Kramatorsk."),
    ("2024-03-01", "Protests", "Peaceful protest", "Moscow", 55.7558, 37.6173, 1, "Protesters (Russia)", "", "",
     None, None, "Mourners laid flowers in Moscow; police detained several people."),
    ("2024-03-02", "Violence against civilians", "Attack", "Kherson", 46.6500, 32.6000, 1,
     "Military Forces of Russia", "Civilians (Ukraine)", "drone", 1, 0, "A drone attacked a car in Kherson."),
    ("2024-03-03", "Explosions/Remote violence", "Air/drone strike", "Kharkiv region", 49.6, 36.9, 3,
     "Military Forces of Russia", "", "glide bomb", 0, 0, "Guided bombs fell on settlements in the Kharkiv region."),
]


def sample_incidents() -> list[dict]:
    """The invented incidents behind the screenshot, as flat records."""
    records = []
    for i, (date, etype, sub, town, lat, lon, prec, a1, a2, weapon, killed, injured, note) in enumerate(_EVENTS):
        country = "Russia" if town in ("Belgorod", "Belgorod region", "Moscow") else "Ukraine"
        records.append({
            "event_id_cnty": f"{'RUS' if country == 'Russia' else 'UKR'}{1000 + i}", "event_date": date,
            "time_precision": 1, "event_type": etype, "sub_event_type": sub, "actor1": a1, "actor2": a2,
            "country": country, "location": town, "latitude": lat, "longitude": lon, "geo_precision": prec,
            "weapon": weapon, "fatalities": killed, "injured": injured, "notes": note,
            "source": "Example Wire", "source_title": f"Overnight report, {date}",
            "source_url": f"https://news.example.org/{date}/report", "source_date": date, "confidence": 0.8,
        })
    return records


def take(png: Path, html: Path | None = None, popup: str | None = "UKR1020", width: int = 1280,
         height: int = 760) -> Path:
    """Write the sample map (to *html*, or a temporary file) and its screenshot to *png*."""
    from playwright.sync_api import sync_playwright

    from mapper.render import render_map

    folder = None
    if html is None:
        folder = tempfile.TemporaryDirectory()
        html = Path(folder.name) / "map.html"
    render_map(sample_incidents(), html, title="Incidents in Ukraine, February 2024 (sample)")
    png.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
        page.goto(html.resolve().as_uri())
        page.wait_for_function("window.mapperReady === true")
        page.evaluate("void window.mapperApp.map.setView([48.3, 34.6], 6, {animate: false})")
        page.wait_for_timeout(600)
        if popup:
            page.evaluate("""id => new Promise(resolve => {
                const app = window.mapperApp, i = app.cols.event_id_cnty.indexOf(id);
                app.cluster.zoomToShowLayer(app.markers[i], () => { app.openPopup(i); resolve(); });
            })""", popup)
            page.wait_for_timeout(500)
        page.screenshot(path=str(png))
        browser.close()
    if folder is not None:
        folder.cleanup()
    return png


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("png", nargs="?", type=Path, default=ROOT / "docs" / "map.png")
    parser.add_argument("--html", type=Path, help="also keep the map's HTML here")
    parser.add_argument("--no-popup", action="store_true", help="do not open a popup")
    args = parser.parse_args(argv)
    print(take(args.png, args.html, popup=None if args.no_popup else "UKR1020"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`mapper geoparse ARTICLE... --format jsonl|geojson|table`: place mentions with their resolved places."""
from __future__ import annotations

import json

import click

from mapper.cli.errors import cli_errors


def mention_record(rm) -> dict:
    m, p = rm.mention, rm.place
    return {
        "start": m.start, "end": m.end, "text": m.text, "label": m.label,
        "name": p.name if p else None, "geonameid": p.geonameid if p else None,
        "lat": p.lat if p else None, "lon": p.lon if p else None,
        "feature_code": p.feature_code if p else None, "country_code": p.country_code if p else None,
        "admin1": (p.admin1 or None) if p else None, "admin2": (p.admin2 or None) if p else None,
        "score": round(rm.score, 3), "components": rm.components,
        "candidates": [list(c) for c in rm.candidates[:5]],
    }


@click.command()
@click.argument("articles", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "geojson", "table"]), default="jsonl", show_default=True)
@click.option("--no-spacy", is_flag=True, help="Gazetteer-only recognition (faster, less precise).")
@click.option("--explain", is_flag=True, help="Keep score components and candidates in jsonl output.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=1, show_default=True,
              help="Worker processes for the language stages (0: one per core).")
def geoparse(articles, fmt, no_spacy, explain, jobs):
    """Find the place names in ARTICLES and put each on the map."""
    from mapper.articles import read_articles
    from mapper.errors import ArticleError
    from mapper.parallel import available_cores, geoparse_in_parallel
    from mapper.scripts import script_notice

    with cli_errors():
        features = []
        processed = failed = 0

        def readable():
            nonlocal failed
            for item in read_articles(articles):
                if isinstance(item, ArticleError):
                    click.echo(f"warning: skipped {item}", err=True)
                    failed += 1
                else:
                    notice = script_notice(item.id, item.text)
                    if notice:
                        click.echo(notice, err=True)
                    yield item

        for item, resolved in geoparse_in_parallel(readable(), jobs or available_cores(), use_spacy=not no_spacy,
                                                   explain=explain):
            processed += 1
            records = [mention_record(rm) for rm in resolved]
            if not explain:
                for r in records:
                    r.pop("components"), r.pop("candidates"), r.pop("label")
            if fmt == "jsonl":
                click.echo(json.dumps({"id": item.id, "mentions": records}, ensure_ascii=False))
            elif fmt == "table":
                for r in records:
                    where = f"{r['lat']:.4f},{r['lon']:.4f}" if r["lat"] is not None else "-"
                    click.echo(f"{item.id[:20]:20} {r['start']:>6} {r['text'][:28]:28} -> {str(r['name'])[:28]:28} "
                               f"{str(r['feature_code'] or '-'):6} {str(r['country_code'] or '-'):2} {where}")
            else:
                for r in records:
                    if r["lat"] is None:
                        continue
                    props = {k: v for k, v in r.items() if k not in ("lat", "lon")}
                    props["article_id"] = item.id
                    features.append({"type": "Feature", "properties": props,
                                     "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]}})
        if fmt == "geojson":
            click.echo(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False))
        if processed == 0:
            raise click.ClickException(f"no article could be read ({failed} failed)")

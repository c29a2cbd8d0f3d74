"""Options several commands share."""
from __future__ import annotations

import click


def _country(ctx, param, value):
    from mapper.incidents.feed import country_policy

    return country_policy(value)


country_option = click.option(
    "--country", "default_country", default="auto", show_default=True, metavar="ISO2|auto|none",
    callback=_country,
    help="Where incidents go whose article names no place: an ISO2 code (that country's point, "
         "geo_precision 3); auto, the batch's own country when at least 80% of its articles with "
         "placed incidents are there; none drops them.")

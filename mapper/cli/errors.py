"""Turning library errors into click errors at the CLI edge."""
from __future__ import annotations

import contextlib

import click

from gazetteer.errors import GazetteerError
from mapper.errors import MapperError


@contextlib.contextmanager
def cli_errors():
    """Re-raise the libraries' own errors, and common OS errors, as a clean click message (exit 1)."""
    try:
        yield
    except (GazetteerError, MapperError) as exc:
        raise click.ClickException(str(exc)) from exc
    except BrokenPipeError:
        raise  # the reader went away (`| head`): handled quietly in main()
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"input is not valid UTF-8 text: {exc.reason} at byte {exc.start}") from exc
    except OSError as exc:
        raise click.ClickException(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")) from exc

"""One error root for the mapper package."""


class MapperError(Exception):
    """Root of every error mapper raises on purpose; the CLI turns it into a clear message."""


class ArticleError(MapperError, ValueError):
    """An article could not be read (missing, unreadable, empty, not UTF-8, malformed)."""


class OutputError(MapperError, OSError):
    """An output could not be written."""

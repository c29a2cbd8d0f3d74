"""One error root for the gazetteer; subclasses also inherit the builtin they resemble."""


class GazetteerError(Exception):
    """Root of every error the gazetteer raises on purpose."""


class GazetteerNotBuiltError(GazetteerError, FileNotFoundError):
    """No gazetteer database exists where one was expected."""


class GazetteerCorruptError(GazetteerError, ValueError):
    """The gazetteer database exists but cannot be read as one."""


class SourceFormatError(GazetteerError, ValueError):
    """An input file (GeoNames dump, user places file) is malformed."""

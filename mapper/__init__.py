"""mapper: news articles to mapped, queryable incidents, offline."""

__version__ = "0.1.0"

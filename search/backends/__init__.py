"""Search engines behind one interface; which one runs depends on the configuration."""

from django.conf import settings
from django.db import connection

from .base import EngineQuery, EngineResult, SearchBackend


def database_backend() -> SearchBackend:
    if connection.vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend()
    from .sqlite import SqliteBackend

    return SqliteBackend()


def get_backend() -> SearchBackend:
    """Elasticsearch when ELASTICSEARCH_URL is set, else the database's own full-text search."""
    if getattr(settings, "ELASTICSEARCH_URL", None):
        from .elastic import ElasticBackend

        return ElasticBackend(settings.ELASTICSEARCH_URL)
    return database_backend()


__all__ = ["EngineQuery", "EngineResult", "SearchBackend", "database_backend", "get_backend"]

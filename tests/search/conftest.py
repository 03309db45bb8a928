import os
import uuid

import pytest


def _es_url() -> str:
    return os.environ.get("TEST_ELASTICSEARCH_URL", "http://127.0.0.1:9200")


def _es_available(url: str) -> bool:
    from elasticsearch import Elasticsearch

    try:
        return Elasticsearch(url, request_timeout=3, max_retries=0).ping()
    except Exception:
        return False


@pytest.fixture(params=["database", "elasticsearch"])
def engine(request, settings, db):
    """Run a test once on the database engine of this run (SQLite or PostgreSQL) and once on Elasticsearch."""
    if request.param == "elasticsearch":
        url = _es_url()
        if not _es_available(url):
            message = f"Elasticsearch is not answering at {url} (start it: scripts/elasticsearch.sh start)"
            if os.environ.get("CI") == "true":
                pytest.fail(message)
            pytest.skip(message)
        settings.ELASTICSEARCH_URL = url
        settings.ELASTICSEARCH_INDEX = f"test-{uuid.uuid4().hex[:12]}"
        yield "elasticsearch"
        from elasticsearch import Elasticsearch

        Elasticsearch(url).indices.delete(index=f"{settings.ELASTICSEARCH_INDEX}-*", ignore_unavailable=True)
    else:
        settings.ELASTICSEARCH_URL = None
        from django.db import connection

        yield connection.vendor

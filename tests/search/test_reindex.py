"""A rebuild on Elasticsearch fills a new index and then swaps the alias: search never sees it half-built."""

import threading
import time

import pytest

from search.backends import EngineQuery, get_backend
from search.selectors import query_tokens
from search.services import analyzer, entries_bulk_index

pytestmark = pytest.mark.django_db

DOCUMENTS = 2000


def document(n: int) -> dict:
    return {
        "type": "news",
        "title": f"Mieszkania treningowe w gminie {n}",
        "summary": "Nabór do mieszkań treningowych.",
        "body": "Mieszkanie treningowe przygotowuje do samodzielnego życia. " * 5,
        "url": f"/mieszkania/{n}/",
        "date": None,
        "status": "",
        "voivodeship": "",
        "municipality_kind": "",
        "municipality": "",
        "topics": [],
        "legal_basis": [],
    }


def test_searches_during_a_rebuild_keep_returning_every_document(engine):
    if engine != "elasticsearch":
        pytest.skip("the database engines rebuild inside one transaction; this is about the alias swap")
    entries_bulk_index(document(n) for n in range(DOCUMENTS))
    backend = get_backend()
    before = set(backend.client.indices.get_alias(name=backend.alias))
    tokens, _highlight = query_tokens(analyzer(), "mieszkania treningowe")
    # The engine is queried directly: the test's database transaction is not visible to another thread.
    query = EngineQuery(tokens=tokens, limit=20, facets=False)
    answers: list[tuple[float, float, object]] = []
    stop = threading.Event()

    def search_continuously():
        while not stop.is_set():
            began = time.monotonic()
            try:
                result = backend.search(query)
                outcome = (result.total, len(set(result.hits)))
            except Exception as exc:  # an index deleted or missing under the alias
                outcome = type(exc).__name__
            answers.append((began, time.monotonic(), outcome))

    # Several searchers at once, so that some search is always in flight when the alias moves.
    searchers = [threading.Thread(target=search_continuously) for _ in range(3)]
    for searcher in searchers:
        searcher.start()
    try:
        time.sleep(0.3)
        started = time.monotonic()
        backend.rebuild()
        finished = time.monotonic()
        time.sleep(0.3)
    finally:
        stop.set()
        for searcher in searchers:
            searcher.join(timeout=30)
    assert set(backend.client.indices.get_alias(name=backend.alias)) != before, (
        "a new index is behind the alias"
    )
    during = [a for a in answers if a[0] >= started and a[1] <= finished]
    assert len(during) >= 5, f"only {len(during)} searches overlapped the rebuild"
    wrong = [outcome for _b, _e, outcome in answers if outcome != (DOCUMENTS, 20)]
    assert not wrong, f"{len(wrong)} of {len(answers)} searches saw an incomplete index, e.g. {wrong[:3]}"

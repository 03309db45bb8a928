"""Where an uncached search API request spends its time, one request at a time, in-process.

Times each phase of /api/search/ over queries that are all different (so the results cache answers none):
the whole request, the engine call (and within it the engine's own "took" where it reports one), fetching
the hits' rows, cutting the snippets, reading the query and the rest (framework, form, log, cache, JSON).
Run through bench/search_api_phases.sh, which points it at the scaled bench database and its search index.
"""

import argparse
import itertools
import os
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

import django  # noqa: E402

django.setup()

from django.db.models.query import QuerySet  # noqa: E402
from django.test import Client  # noqa: E402

from search import selectors  # noqa: E402
from search.backends import get_backend  # noqa: E402


def distinct_queries() -> list[str]:
    """The queries of bench/wrk_search_distinct.lua (read from it): a popular query and two words each."""
    lua = (Path(__file__).parent / "wrk_search_distinct.lua").read_text(encoding="utf-8")
    bases = re.findall(r'"([^"]+)"', lua.split("local bases = {", 1)[1].split("}", 1)[0])
    words = lua.split("[[", 1)[1].split("]]", 1)[0].split()
    queries = [f"{b} {w1} {w2}" for w1, w2 in itertools.product(words, words) for b in bases]
    random.Random(1).shuffle(queries)
    return queries


spent: dict[str, float] = defaultdict(float)


def timed(owner, name: str, phase: str) -> None:
    """Replace owner.name by a wrapper that adds its running time to `phase`."""
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[phase] += time.perf_counter() - start

    setattr(owner, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=300, help="measured requests (after 50 to warm up)")
    args = parser.parse_args()

    queries = distinct_queries()
    backend = type(get_backend())
    timed(backend, "search", "engine call")
    timed(QuerySet, "in_bulk", "rows of the hits")
    timed(selectors, "snippet", "snippets")
    timed(selectors, "query_tokens", "reading the query")
    took = []
    client = getattr(get_backend(), "client", None)
    if client is not None:  # Elasticsearch: its own time for each search
        search = client.search

        def search_and_note(*a, **kw):
            response = search(*a, **kw)
            took.append(response.get("took", 0) / 1000)
            return response

        client.search = search_and_note

    http = Client(HTTP_HOST="127.0.0.1")
    for query in queries[:50]:
        http.get("/api/search/", {"q": query})
    spent.clear()
    took.clear()
    requests = []
    for query in queries[50 : 50 + args.n]:
        start = time.perf_counter()
        response = http.get("/api/search/", {"q": query})
        requests.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    n = len(requests)
    total = sum(requests)
    p50, p95 = 1000 * statistics.median(requests), 1000 * sorted(requests)[int(0.95 * n)]
    print(f"{n} uncached searches on {get_backend().name}, one at a time: p50 {p50:.2f} ms, p95 {p95:.2f} ms")
    print(f"{'phase':46s} {'ms/request':>10s} {'share':>6s}")
    rows = {"whole request": total, **spent}
    if took:
        rows["  of the engine call, the engine's own (took)"] = sum(took)
    rows["the rest (framework, form, log, cache, JSON)"] = total - sum(spent.values())
    for phase, seconds in rows.items():
        print(f"{phase:46s} {1000 * seconds / n:10.2f} {100 * seconds / total:5.0f}%")


if __name__ == "__main__":
    main()

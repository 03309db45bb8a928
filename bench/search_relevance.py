"""Relevance of portal search on the development set, through the JSON API, for the configured engine.

Run by bench/search_relevance.sh once per engine; prints nDCG@10, MRR@10 and Recall@10 as defined in
shared/search-eval/README.md.
"""

import json
import math
import os
import sys
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
django.setup()

from django.test import Client  # noqa: E402

from knowledge.models import KNOWLEDGE_PAGE_MODELS  # noqa: E402

EVAL = Path(sys.argv[1])
K = 10


def slug_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def dcg(gains):
    return sum(g / math.log2(rank + 2) for rank, g in enumerate(gains))


def main():
    queries = [
        json.loads(line)
        for line in (EVAL / "queries-dev.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    client = Client(HTTP_HOST="127.0.0.1")
    ndcgs, mrrs, recalls, rows = [], [], [], []
    for q in queries:
        response = client.get("/api/search/", {"q": q["query"]})
        assert response.status_code == 200, (q["query"], response.status_code, response.content[:300])
        ranked = [slug_of(r["url"]) for r in response.json()["results"][:K]]
        relevant = q["relevant"]
        gains = [relevant.get(doc, 0) for doc in ranked]
        ideal = dcg(sorted(relevant.values(), reverse=True)[:K])
        ndcg = dcg(gains) / ideal if ideal else 0.0
        mrr = next((1 / (i + 1) for i, g in enumerate(gains) if g >= 1), 0.0)
        recall = sum(1 for doc in relevant if doc in ranked) / len(relevant)
        ndcgs.append(ndcg)
        mrrs.append(mrr)
        recalls.append(recall)
        rows.append((ndcg, q["id"], q["query"], ranked[:3]))
    pages = sum(m.objects.live().count() for m in KNOWLEDGE_PAGE_MODELS)
    from search.backends import get_backend

    # The engine that answered, so a missing node can never pass for Elasticsearch's figures.
    engine = get_backend().name
    wanted = os.environ.get("BENCH_ENGINE", engine)
    if wanted != engine:
        raise SystemExit(f"asked for {wanted}, but {engine} answered")
    print(
        f"{engine:14s} pages={pages} queries={len(queries)} "
        f"nDCG@10={sum(ndcgs) / len(ndcgs):.3f} MRR@10={sum(mrrs) / len(mrrs):.3f} "
        f"Recall@10={sum(recalls) / len(recalls):.3f}"
    )
    if os.environ.get("BENCH_VERBOSE"):
        for ndcg, qid, text, top in sorted(rows)[:8]:
            print(f"    {qid} nDCG={ndcg:.2f} {text!r} top3={top}")


if __name__ == "__main__":
    main()

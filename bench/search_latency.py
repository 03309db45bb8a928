"""Search latency and indexing rate at 100,000 documents, for the configured engine.

Run by bench/search_latency.sh once per engine, on an empty database with the glossary loaded:
generates documents of Polish text from the vocabulary of the development corpus (a word-bigram chain over
its sentences, seeded, so every run and engine gets the same collection), indexes them in bulk through the
search layer (services.entries_bulk_index: no Wagtail pages), then sends 200 distinct queries to the JSON API
/api/search/ in-process through Django's test Client (routing, form, search, query log and JSON included;
no HTTP server or network) and prints p50/p95/p99 of the time each request took.

    python bench/search_latency.py EVAL_DIR [--docs 100000] [--queries 200] [--seed 7]
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils.text import slugify  # noqa: E402

from search.backends import get_backend  # noqa: E402
from search.polish import fold  # noqa: E402
from search.services import entries_bulk_index  # noqa: E402

SENTENCE_END = (".", "?", "!")
TYPES = {"article": "explanation"}  # corpus type -> portal type where they differ
STATUSES = ["current"] * 7 + ["outdated"] * 2 + ["superseded"]
TODAY = date.today()


class Chain:
    """A word-bigram chain over sentences; successors repeat, so choice() follows corpus frequencies."""

    def __init__(self, texts):
        self.next: dict[str, list[str]] = {}
        self.starts: list[str] = []
        for text in texts:
            previous = None
            for word in text.split():
                if previous is None:
                    self.starts.append(word)
                else:
                    self.next.setdefault(previous, []).append(word)
                previous = None if word.endswith(SENTENCE_END) else word

    def sentence(self, rng: random.Random, limit: int = 30) -> list[str]:
        words = [rng.choice(self.starts)]
        while len(words) < limit and not words[-1].endswith(SENTENCE_END):
            successors = self.next.get(words[-1])
            if not successors:
                break
            words.append(rng.choice(successors))
        return words

    def text(self, rng: random.Random, words: int) -> str:
        out: list[str] = []
        while len(out) < words:
            out += self.sentence(rng)
        return " ".join(out)


def load_corpus(eval_dir: Path) -> list[dict]:
    lines = (eval_dir / "corpus-dev.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def documents(corpus: list[dict], count: int, seed: int):
    """Yield `count` documents shaped like extract.page_fields output, text drawn from the corpus."""
    rng = random.Random(seed)
    prose = Chain(
        paragraph for d in corpus for paragraph in [d["summary"], *d["body"].split("\n\n")] if paragraph
    )
    titles = Chain(d["title"] for d in corpus)
    body_lengths = [len(d["body"].split()) for d in corpus]
    topics = sorted({t for d in corpus for t in d.get("topics", [])})
    places = [(d["municipality"], d.get("voivodeship", "")) for d in corpus if d.get("municipality")]
    citations = sorted({c for d in corpus for c in d.get("legal_basis", [])})
    types = [TYPES.get(d["type"], d["type"]) for d in corpus]
    start = date(2019, 1, 1)
    span = (TODAY - start).days
    for n in range(count):
        kind = rng.choice(types)
        place, voivodeship = rng.choice(places) if kind == "good_practice" else ("", "")
        chosen = rng.sample(topics, rng.randint(1, 3))
        yield {
            "type": kind,
            "title": " ".join(titles.sentence(rng, limit=rng.randint(4, 12))).rstrip(".?!"),
            "summary": prose.text(rng, rng.randint(15, 40)),
            "body": prose.text(rng, int(rng.choice(body_lengths) * rng.uniform(0.5, 2.0))),
            "url": f"/bench/{n}/",
            "date": start + timedelta(days=rng.randrange(span)),
            "status": rng.choice(STATUSES) if kind == "legal_interpretation" else "",
            "voivodeship": voivodeship,
            "municipality_kind": "urban" if place else "",
            "municipality": place,
            "topics": [[slugify(t), t] for t in chosen],
            "legal_basis": rng.sample(citations, rng.randint(1, 2)) if kind == "legal_interpretation" else [],
        }


def queries(corpus: list[dict], eval_dir: Path, count: int, seed: int) -> list[dict]:
    """Distinct queries of the kinds officials type: questions, single words, phrases, no diacritics,
    acronyms, filters, date order, second pages, article citations."""
    from knowledge.models import GlossaryTerm

    rng = random.Random(seed + 1)
    lines = (eval_dir / "queries-dev.jsonl").read_text(encoding="utf-8").splitlines()
    out = [{"q": json.loads(line)["query"]} for line in lines if line.strip()]
    words = [
        w.strip(".,;:()„”\"'–?!").lower()
        for d in corpus
        for w in (d["title"] + " " + d["summary"] + " " + d["body"]).split()
    ]
    words = [w for w in words if len(w) >= 4 and w.isalpha()]  # frequent words stay frequent
    acronyms = list(GlossaryTerm.objects.values_list("term", flat=True))
    topics = sorted({slugify(t) for d in corpus for t in d.get("topics", [])})
    kinds = sorted({TYPES.get(d["type"], d["type"]) for d in corpus})

    def phrase(size):
        return " ".join(rng.choice(words) for _ in range(size))

    def add(query):
        if query["q"] and query not in out:
            out.append(query)

    plan = [
        (60, lambda: {"q": rng.choice(words)}),
        (40, lambda: {"q": phrase(rng.randint(2, 3))}),
        (20, lambda: {"q": fold(phrase(2))}),
        (15, lambda: {"q": rng.choice(acronyms) + (" " + rng.choice(words) if rng.random() < 0.5 else "")}),
        (5, lambda: {"q": f"art. {rng.randint(1, 40)}"}),
        (10, lambda: {"q": phrase(2), "sort": "date"}),
        (10, lambda: {"q": rng.choice(words), "page": 2}),
        (5, lambda: {"q": phrase(2), "type": rng.choice(kinds)}),
        (5, lambda: {"q": rng.choice(words), "year": rng.randint(2019, TODAY.year)}),
        (5, lambda: {"q": rng.choice(words), "topic": rng.choice(topics)}),
    ]
    for share, make in plan:
        target = len(out) + share
        while len(out) < min(target, count):
            add(make())
    while len(out) < count:
        add({"q": phrase(2)})
    return out[:count]


def print_agreement(measured: list[dict]) -> None:
    """How much of the first page the windowed ranking of large result sets shares with exact ranking."""
    from search.backends import EngineQuery
    from search.selectors import query_tokens
    from search.services import analyzer

    backend = get_backend()
    shared, scored, windowed = [], [], 0
    for params in measured:
        tokens, _highlight = query_tokens(analyzer(), params["q"])
        filters = {k: params[k] for k in ("type", "topic", "year") if k in params}
        page = int(params.get("page", 1))
        query = EngineQuery(
            tokens=tokens, filters=filters, sort=params.get("sort", "relevance"), offset=(page - 1) * 10
        )
        fast = backend.search(query)
        if fast.exact:
            continue
        windowed += 1
        exact = super(type(backend), backend).search(query)
        ids = {pk for pk, _score in exact.hits}
        shared.append(len(ids & {pk for pk, _score in fast.hits}) / max(1, len(ids)))
        # Both score with the same formula, so this is how much of the best page's score the window found.
        best = sum(score for _pk, score in exact.hits)
        scored.append(sum(score for _pk, score in fast.hits) / best if best else 1.0)
        if os.environ.get("BENCH_VERBOSE") and scored[-1] < 0.5:
            print(f"    {scored[-1]:.0%} of the best page's score: {params}")
    if shared:
        print(
            f"  windowed ranking on {windowed} of {len(measured)} queries; against exact ranking, its page"
            f" holds on average {statistics.mean(scored):.0%} of the best page's score"
            f" (lowest {min(scored):.0%}) and shares {statistics.mean(shared):.0%} of its entries"
            f" (median {statistics.median(shared):.0%})"
        )


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("eval_dir", type=Path)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="query the documents indexed by an earlier run")
    args = parser.parse_args()
    settings.DEBUG = False  # no per-query SQL log in memory, as in production
    engine = os.environ.get("BENCH_ENGINE") or get_backend().name
    corpus = load_corpus(args.eval_dir)

    started = time.perf_counter()

    def progress(done):
        if done % 10_000 == 0:
            rate = done / (time.perf_counter() - started)
            print(f"  {engine}: {done} documents indexed ({rate:.0f}/s)", file=sys.stderr, flush=True)

    if args.reuse:
        from search.models import SearchEntry

        indexed, index_seconds = SearchEntry.objects.count(), None
    else:
        indexed = entries_bulk_index(documents(corpus, args.docs, args.seed), progress=progress)
        index_seconds = time.perf_counter() - started

    client = Client(HTTP_HOST="127.0.0.1")
    measured = queries(corpus, args.eval_dir, args.queries, args.seed)
    for word in ("zasady", "gmina wiejska", "wsparcie seniorów"):  # warm-up, not measured
        client.get("/api/search/", {"q": word})
    timings, results = [], []
    for params in measured:
        began = time.perf_counter()
        response = client.get("/api/search/", params)
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (params, response.status_code, response.content[:300])
        results.append(response.json()["count"])
    indexing = (
        "index=reused"
        if index_seconds is None
        else (f"index={index_seconds:.0f}s rate={indexed / index_seconds:.0f} docs/s")
    )
    print(
        f"{engine:14s} docs={indexed} {indexing}"
        f" queries={len(measured)} p50={percentile(timings, 0.50):.1f}ms"
        f" p95={percentile(timings, 0.95):.1f}ms p99={percentile(timings, 0.99):.1f}ms"
        f" max={max(timings):.1f}ms"
        f" median_hits={statistics.median(results):.0f} empty={sum(1 for r in results if r == 0)}"
    )
    if engine == "postgres" and os.environ.get("BENCH_AGREEMENT"):
        print_agreement(measured)
    if os.environ.get("BENCH_VERBOSE"):
        for ms, params in sorted(zip(timings, measured, strict=True), key=lambda p: -p[0])[:10]:
            print(f"    {ms:7.1f} ms {params}")


if __name__ == "__main__":
    main()

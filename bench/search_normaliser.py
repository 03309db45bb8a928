"""How far Python normalisation + plain BM25 goes on the development search set.

Usage: .venv/bin/python bench/search_normaliser.py [--eval-dir /work/shared/search-eval] [--worst 5]
Indexes title (x3), summary and body with search.polish.Analyzer, expands acronyms, ranks with BM25
(OR semantics, best alternative per query term) and prints nDCG@10, MRR@10 and Recall@10.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from search.polish import Analyzer, tokenize  # noqa: E402

FIELD_WEIGHTS = {"title": 3.0, "summary": 1.0, "body": 1.0}
K1, B = 1.2, 0.75
TOP = 10

GLOSSARY: list[tuple[str, list[str]]] = [
    ("CUS", ["centrum usług społecznych"]),
    ("OPS", ["ośrodek pomocy społecznej"]),
    ("MOPS", ["miejski ośrodek pomocy społecznej"]),
    ("GOPS", ["gminny ośrodek pomocy społecznej"]),
    ("IPUS", ["indywidualny plan usług społecznych"]),
    ("OSL", ["organizowanie społeczności lokalnej"]),
    ("PES", ["podmiot ekonomii społecznej"]),
    ("NGO", ["organizacja pozarządowa"]),
    # One ministry under its two names: MRPiPS (2015-2020 and again since December 2023), MRiPS in between.
    (
        "MRPiPS",
        [
            "Ministerstwo Rodziny, Pracy i Polityki Społecznej",
            "MRiPS",
            "Ministerstwo Rodziny i Polityki Społecznej",
        ],
    ),
    ("PCPR", ["powiatowe centrum pomocy rodzinie"]),
    ("ROPS", ["regionalny ośrodek polityki społecznej"]),
]

Phrase = tuple[frozenset[str], ...]


class BM25:
    """Field-weighted BM25 over per-word lemma sets; a phrase counts as one term (its occurrences)."""

    def __init__(self, docs: dict[str, dict[str, list[tuple[str, ...]]]]) -> None:
        self.docs = docs
        self.lengths = {
            d: sum(FIELD_WEIGHTS[f] * len(w) for f, w in fields.items()) for d, fields in docs.items()
        }
        self.avg = sum(self.lengths.values()) / len(docs)
        self.cache: dict[Phrase, dict[str, float]] = {}

    def tf(self, phrase: Phrase) -> dict[str, float]:
        if phrase not in self.cache:
            n = len(phrase)
            found: dict[str, float] = {}
            for doc, fields in self.docs.items():
                tf = 0.0
                for field, words in fields.items():
                    hits = sum(
                        all(phrase[k] & set(words[i + k]) for k in range(n))
                        for i in range(len(words) - n + 1)
                    )
                    tf += FIELD_WEIGHTS[field] * hits
                if tf:
                    found[doc] = tf
            self.cache[phrase] = found
        return self.cache[phrase]

    def score(self, phrase: Phrase) -> dict[str, float]:
        tfs = self.tf(phrase)
        n = len(self.docs)
        idf = math.log(1 + (n - len(tfs) + 0.5) / (len(tfs) + 0.5))
        norm = {d: K1 * (1 - B + B * self.lengths[d] / self.avg) for d in tfs}
        return {d: idf * tf * (K1 + 1) / (tf + norm[d]) for d, tf in tfs.items()}


def query_slots(analyzer: Analyzer, query: str) -> list[list[Phrase]]:
    """One slot per query term, each a list of alternatives; synonym variants become extra alternatives."""
    variants = analyzer.expand(query)
    base = variants[0]
    slots: list[list[Phrase]] = [[(frozenset({lemma}),) for lemma in sorted(term)] for term in base]
    for variant in variants[1:]:
        # The variant differs from the original in one span: find it by trimming the common ends.
        head = 0
        while head < min(len(base), len(variant)) and base[head] == variant[head]:
            head += 1
        tail = 0
        while tail < min(len(base), len(variant)) - head and base[-1 - tail] == variant[-1 - tail]:
            tail += 1
        replacement: Phrase = tuple(frozenset(s) for s in variant[head : len(variant) - tail])
        for slot in range(head, len(base) - tail):
            slots[slot].append(replacement)
    return slots


def rank(index: BM25, slots: list[list[Phrase]]) -> list[str]:
    totals: dict[str, float] = {}
    for alternatives in slots:
        best: dict[str, float] = {}
        for phrase in alternatives:
            for doc, value in index.score(phrase).items():
                best[doc] = max(best.get(doc, 0.0), value)
        for doc, value in best.items():
            totals[doc] = totals.get(doc, 0.0) + value
    return sorted(totals, key=lambda d: (-totals[d], d))[:TOP]


def metrics(ranking: list[str], relevant: dict[str, int]) -> tuple[float, float, float]:
    dcg = sum(relevant.get(doc, 0) / math.log2(i + 2) for i, doc in enumerate(ranking))
    ideal = sorted(relevant.values(), reverse=True)[:TOP]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    mrr = next((1 / (i + 1) for i, doc in enumerate(ranking) if relevant.get(doc, 0) >= 1), 0.0)
    recall = sum(1 for doc in ranking if relevant.get(doc, 0) >= 1) / len(relevant)
    return dcg / idcg, mrr, recall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=Path("/work/shared/search-eval"))
    parser.add_argument("--worst", type=int, default=5)
    parser.add_argument("--verbose", action="store_true", help="print every query's terms and top 10")
    args = parser.parse_args()
    corpus = [json.loads(line) for line in (args.eval_dir / "corpus-dev.jsonl").open(encoding="utf-8")]
    queries = [json.loads(line) for line in (args.eval_dir / "queries-dev.jsonl").open(encoding="utf-8")]

    analyzer = Analyzer()
    analyzer.set_synonyms(GLOSSARY)
    started = time.perf_counter()
    docs = {
        doc["id"]: {
            field: [lemmas for _token, lemmas in analyzer.analyse_words(doc[field] or "")]
            for field in FIELD_WEIGHTS
        }
        for doc in corpus
    }
    indexed = time.perf_counter() - started
    index = BM25(docs)

    rows = []
    for query in queries:
        slots = query_slots(analyzer, query["query"])
        ranking = rank(index, slots)
        rows.append((query, metrics(ranking, query["relevant"]), ranking, slots))
        if args.verbose:
            shown = [" | ".join(" ".join("/".join(sorted(w)) for w in p) for p in s) for s in slots]
            print(query["id"], query["query"], shown)
            print("   ", [(d, query["relevant"].get(d, 0)) for d in ranking])

    words = sum(len(tokenize(doc[field] or "")) for doc in corpus for field in FIELD_WEIGHTS)
    started = time.perf_counter()
    for _ in range(5):
        for doc in corpus:
            for field in FIELD_WEIGHTS:
                analyzer.analyse(doc[field] or "")
    warm = 5 * words / (time.perf_counter() - started)
    started = time.perf_counter()
    for _ in range(20):
        for query in queries:
            analyzer.query_terms(query["query"])
    per_query = (time.perf_counter() - started) / (20 * len(queries)) * 1000

    count = len(rows)
    ndcg, mrr, recall = (sum(row[1][k] for row in rows) / count for k in range(3))
    print(f"documents {len(corpus)}, queries {count}, indexing {indexed:.2f} s (cold, incl. lexicon build)")
    print(f"analyse warm {warm:,.0f} words/s; query_terms {per_query:.3f} ms/query (warm)")
    print("config: title x3 + summary + body, BM25 k1=1.2 b=0.75, OR, best alternative per term, acronyms")
    print(f"nDCG@10 {ndcg:.4f}   MRR@10 {mrr:.4f}   Recall@10 {recall:.4f}")
    print(f"worst {args.worst} by nDCG@10:")
    worst = sorted(rows, key=lambda row: row[1][0])[: args.worst]
    for query, (q_ndcg, q_mrr, q_recall), _ranking, _slots in worst:
        print(f"  {query['id']}  nDCG {q_ndcg:.3f}  MRR {q_mrr:.3f}  R {q_recall:.2f}  {query['query']!r}")


if __name__ == "__main__":
    main()

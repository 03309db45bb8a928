"""Reads of the search layer: running a query and shaping results, snippets, facets and suggestions."""

import hashlib
import json
import logging
import math
import re
from dataclasses import dataclass, field, replace
from html import escape

from django.conf import settings
from django.core.cache import caches
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from knowledge.choices import InterpretationStatus, MunicipalityKind
from search.backends import EngineQuery, database_backend, get_backend
from search.models import SearchEntry

logger = logging.getLogger(__name__)

TYPE_LABELS = {
    "training_material": _("Training material"),
    "good_practice": _("Good practice"),
    "legal_interpretation": _("Legal interpretation"),
    "explanation": _("Explanation"),
    "news": _("News"),
    "event": _("Event"),
}
CITATION_RE = re.compile(r"\bart\.?\s*(\d+[a-z]*)\b", re.IGNORECASE)
SNIPPET_CHARS = 240
MAX_PAGE = 500  # the deepest page of results offered (Elasticsearch reads at most 10,000 hits by default)
# What a hit is built from: the normalised texts are long and only the engines read them.
HIT_FIELDS = ("title", "url", "type", "date", "status", "summary", "body")


@dataclass
class Hit:
    title: str
    url: str
    type: str
    type_label: str
    snippet: str
    score: float
    date: object
    status: str = ""


@dataclass
class Promotion:
    title: str
    url: str
    description: str


@dataclass
class SearchPage:
    query: str
    results: list[Hit]
    total: int
    page: int
    per_page: int
    facets: dict = field(default_factory=dict)
    suggestion: str | None = None
    engine: str = ""
    promoted: list[Promotion] = field(default_factory=list)
    exact: bool = True  # False: the total and facet counts are estimates (a very large result set)
    fallback: bool = False  # answered by the database because the configured engine failed
    reachable: int | None = None  # how many results the pages reach, when fewer than total

    @property
    def num_pages(self) -> int:
        shown = self.total if self.reachable is None else min(self.total, self.reachable)
        return max(1, min(MAX_PAGE, math.ceil(shown / self.per_page)))


def query_tokens(analyser, query: str) -> tuple[list[str], set[str]]:
    """Tokens to match and tokens to highlight.

    The query's own lemmas are matched; of the synonym variants only glossary terms are added (documents carry
    a term token wherever its full form occurs), so "CUS" matches "centrum usług społecznych" but the loose
    words "centrum", "usługa" of other phrases do not count as a match for CUS.
    """
    from search.services import term_tokens

    terms = term_tokens()
    variants = analyser.expand(query)
    tokens: list[str] = []
    highlight: set[str] = set()
    for number, variant in enumerate(variants):
        for alternatives in variant:
            highlight |= alternatives
            for token in sorted(alternatives):
                if (number == 0 or token in terms) and token not in tokens:
                    tokens.append(token)
    for article in CITATION_RE.findall(query):
        tokens.insert(0, f"art{article.lower()}")
    return tokens, highlight


def snippet(
    analyser, text: str, highlight: set[str], width: int = SNIPPET_CHARS, *, unmatched: bool = True
) -> str:
    """The passage with the most matched words, matched words in <mark>, HTML-escaped.

    A text without a matched word gives its beginning, or "" with ``unmatched=False``.
    """
    if not text:
        return ""
    matches = analyser.matching_spans(text, highlight)
    if not matches:
        if not unmatched:
            return ""
        cut = text[:width]
        return escape(cut) + ("…" if len(text) > width else "")
    # Matches are in text order: the window starting at match i holds matches i..last-1, where last only
    # moves forward as i does.
    best_start, best_count, last = matches[0][0], 0, 0
    for i, (start, _end) in enumerate(matches):
        last = max(last, i)
        while last < len(matches) and matches[last][0] < start + width:
            last += 1
        if last - i > best_count:
            best_start, best_count = start, last - i
    begin = max(0, best_start - width // 4)
    if begin:
        space = text.rfind(" ", 0, begin)
        begin = space + 1 if space >= 0 else begin
    end = min(len(text), begin + width)
    out, pos = [], begin
    for start, stop in matches:
        if start < begin or stop > end:
            continue
        out.append(escape(text[pos:start]))
        out.append(f"<mark>{escape(text[start:stop])}</mark>")
        pos = stop
    out.append(escape(text[pos:end]))
    return ("…" if begin else "") + "".join(out).strip() + ("…" if end < len(text) else "")


def search_run(
    query: str,
    *,
    filters: dict | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 10,
    generation: str | None = None,
) -> SearchPage:
    """Run a search; ``generation`` (of the results cache) lets the editors' picks and topic names be read
    once per generation in this process instead of on every search."""
    from search.services import analyzer

    analyser = analyzer()
    tokens, highlight = query_tokens(analyser, query)
    engine_query = EngineQuery(
        tokens=tokens, filters=filters or {}, sort=sort, offset=(page - 1) * per_page, limit=per_page
    )
    backend, fallback = get_backend(), False
    try:
        result = backend.search(engine_query)
    except Exception:
        if backend.name in ("sqlite", "postgres"):
            raise
        # Elasticsearch down: answer from the database and say so in the log.
        logger.warning("Search engine %s failed; answering from the database", backend.name, exc_info=True)
        backend, fallback = database_backend(), True
        result = backend.search(engine_query)
    entries = SearchEntry.objects.only(*HIT_FIELDS).in_bulk([pk for pk, _ in result.hits])
    hits = []
    for pk, score in result.hits:
        entry = entries.get(pk)
        if entry is None:
            continue
        # The passage of the body with the matched words, else the summary (a match in the title only).
        passage = snippet(analyser, entry.body, highlight, unmatched=False)
        passage = passage or snippet(analyser, entry.summary, highlight) or escape(entry.summary)
        hits.append(
            Hit(
                title=entry.title,
                url=entry.url,
                type=entry.type,
                type_label=str(TYPE_LABELS.get(entry.type, entry.type)),
                snippet=passage,
                score=round(score, 4),
                date=entry.date,
                status=entry.status,
            )
        )
    suggestion = None
    if result.total < 3:
        suggestion = suggest(analyser, query)
    return SearchPage(
        query=query,
        results=hits,
        total=result.total,
        page=page,
        per_page=per_page,
        facets=label_facets(result.facets, generation=generation),
        suggestion=suggestion,
        engine=backend.name,
        promoted=promotions(query, generation=generation) if page == 1 else [],
        exact=result.exact,
        fallback=fallback,
        reachable=result.reachable,
    )


# Cached results live in the shared cache under the current generation; services start a new generation
# whenever the index or what a search shows changes, so older results are never read again (and expire).
RESULT_CACHE = "default"
GENERATION_KEY = "search:generation"


def search_run_cached(
    query: str, *, filters: dict | None = None, sort: str = "relevance", page: int = 1, per_page: int = 10
) -> SearchPage:
    """search_run, answered from the cache when the same search ran since the index last changed.

    Without a reachable cache (or with SEARCH_CACHE_SECONDS = 0) every search is computed.
    """
    arguments = {"filters": filters, "sort": sort, "page": page, "per_page": per_page}
    seconds = settings.SEARCH_CACHE_SECONDS
    if seconds <= 0:
        return search_run(query, **arguments)
    cache = caches[RESULT_CACHE]
    try:
        generation = _generation(cache)
        key = generation and _result_key(generation, query, **arguments)
        cached = cache.get(key) if key else None
    except Exception:
        logger.warning("Search cache unavailable; computing the results", exc_info=True)
        return search_run(query, **arguments)
    if cached is not None:
        return replace(cached, query=query)
    result = search_run(query, **arguments, generation=generation)
    # A fallback answer stays out of the cache: the engine may answer again by the next search.
    if key and not result.fallback:
        try:
            cache.set(key, result, seconds)
        except Exception:
            logger.warning("Could not store search results in the cache", exc_info=True)
    return result


def _generation(cache) -> str | None:
    """The current generation of cached results, started here if the cache holds none (None: cache down)."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        from uuid import uuid4

        cache.add(GENERATION_KEY, uuid4().hex, None)
        generation = cache.get(GENERATION_KEY)
    return generation


def _result_key(generation: str, query: str, *, filters, sort, page, per_page) -> str:
    # Only runs of white space are folded: letter case and punctuation change what a query means
    # ("KAS" is an acronym, "kas" a form of "kasa"; "art." an abbreviation).
    engine = (
        (settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_INDEX) if settings.ELASTICSEARCH_URL else None
    )
    request = [" ".join(query.split()), sorted((filters or {}).items()), sort, page, per_page]
    request += [translation.get_language(), engine]
    digest = hashlib.sha256(json.dumps(request, default=str).encode()).hexdigest()
    return f"search:result:{generation}:{digest}"


# Per process: values read from the database once per generation of the results cache (editing a promotion
# or a topic starts a new generation): name -> (generation, value).
_PER_GENERATION: dict[str, tuple[str, object]] = {}


def _per_generation(name: str, generation: str | None, compute):
    if generation is None:
        return compute()
    held = _PER_GENERATION.get(name)
    if held is None or held[0] != generation:
        held = _PER_GENERATION[name] = (generation, compute())
    return held[1]


def promotions(query: str, *, generation: str | None = None) -> list[Promotion]:
    """Editors' picks for this query (Wagtail's search promotions), live pages and external links."""
    from wagtail.contrib.search_promotions.models import SearchPromotion
    from wagtail.search.utils import normalise_query_string

    normalised = normalise_query_string(query)
    promoted = _per_generation(
        "promoted queries",
        generation,
        lambda: frozenset(SearchPromotion.objects.values_list("query__query_string", flat=True)),
    )
    if normalised not in promoted:
        return []
    picks = SearchPromotion.objects.filter(query__query_string=normalised)
    out = []
    for pick in picks.select_related("page"):
        if pick.page_id and pick.page.live:
            out.append(Promotion(title=pick.page.title, url=pick.page.url, description=pick.description))
        elif pick.external_link_url:
            title = pick.external_link_text or pick.external_link_url
            out.append(Promotion(title=title, url=pick.external_link_url, description=pick.description))
    return out


def suggest(analyser, query: str) -> str | None:
    """The query with likely typos replaced by the closest known words, or None if nothing changes."""
    from search.polish import fold, tokenize

    words, changed = [], False
    for token in tokenize(query):
        better = analyser.suggest(token.text)
        if better and fold(better) != fold(token.text):
            words.append(better)
            changed = True
        else:
            words.append(token.text)
    return " ".join(words) if changed else None


def label_facets(raw: dict, *, generation: str | None = None) -> dict:
    from knowledge.models import Topic

    labels = {
        "type": {k: str(v) for k, v in TYPE_LABELS.items()},
        "municipality_kind": {k: str(v) for k, v in MunicipalityKind.choices},
        "status": {k: str(v) for k, v in InterpretationStatus.choices},
    }
    if raw.get("topic"):
        labels["topic"] = _per_generation(
            "topic names", generation, lambda: dict(Topic.objects.values_list("slug", "name"))
        )
    return {
        name: [
            {"value": value, "label": labels.get(name, {}).get(value, value), "count": count}
            for value, count in values
        ]
        for name, values in raw.items()
    }

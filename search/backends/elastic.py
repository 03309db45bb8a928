"""Elasticsearch 8 through elasticsearch.dsl: a versioned index behind an alias, faceted search."""

import time
from datetime import date
from functools import lru_cache

from django.conf import settings
from elasticsearch import Elasticsearch, helpers
from elasticsearch.dsl import (
    Date,
    Document,
    FacetedSearch,
    Keyword,
    Q,
    TermsFacet,
    Text,
    connections,
)
from elasticsearch.dsl.query import FunctionScore

from .base import (
    FIELD_WEIGHTS,
    RECENCY_BOOST,
    RECENCY_DAYS,
    STATUS_FACTOR,
    EngineQuery,
    EngineResult,
    SearchBackend,
)

MAPPING_VERSION = 3  # 2: documents keyed by SearchEntry id (entries may have no page); 3: BM25 b=0.9
# Stronger length normalisation than BM25's default b=0.75: long reports and texts with attachments
# otherwise outrank the short material that answers the query (nDCG@10 on the development set 0.898 → 0.901,
# the same from b=0.85 to b=1.0).
BM25 = {"type": "BM25", "k1": 1.2, "b": 0.9}
# Tokens arrive normalised by the shared Polish analyser, so the engine only splits on whitespace.
NORM = {"analyzer": "whitespace"}
# How long a replaced index keeps answering searches already sent to it before it is deleted.
OLD_INDEX_GRACE_SECONDS = 2.0


def alias_name() -> str:
    return getattr(settings, "ELASTICSEARCH_INDEX", "cus-pages")


class PageDocument(Document):
    title_norm = Text(**NORM)
    basis_norm = Text(**NORM)
    summary_norm = Text(**NORM)
    body_norm = Text(**NORM)
    type = Keyword()
    topics = Keyword(multi=True)
    voivodeship = Keyword()
    municipality_kind = Keyword()
    status = Keyword()
    year = Keyword()
    date = Date()

    class Index:
        name = "cus-pages"
        settings = {"number_of_shards": 1, "number_of_replicas": 0}  # replicas: see _index_settings()

    @classmethod
    def from_entry(cls, entry) -> "PageDocument":
        return cls(
            meta={"id": entry.pk},
            title_norm=entry.title_norm,
            basis_norm=entry.basis_norm,
            summary_norm=entry.summary_norm,
            body_norm=entry.body_norm,
            type=entry.type,
            topics=[slug for slug in entry.topics_text.split()],
            voivodeship=entry.voivodeship or None,
            municipality_kind=entry.municipality_kind or None,
            status=entry.status or None,
            year=str(entry.date.year) if entry.date else None,
            date=entry.date,
        )


def _match(tokens: list[str]):
    """BM25 over the weighted fields."""
    fields = [f"{name}_norm^{FIELD_WEIGHTS[name]}" for name in ("title", "basis", "summary", "body")]
    # combined_fields scores the weighted fields as one (BM25F), so a rare word in the body is not drowned
    # by frequent words that also happen to stand in titles.
    return Q("combined_fields", query=" ".join(tokens), fields=fields, operator="or")


def _boosted(query, today: date):
    """The query's score × status factor × (1 + a mild, fading recency boost from ``today``)."""
    # In "multiply" mode a function whose filter does not match counts as 1.
    by_status = FunctionScore(
        query=query,
        functions=[{"filter": Q("term", status=status), "weight": f} for status, f in STATUS_FACTOR.items()],
        score_mode="multiply",
        boost_mode="multiply",
    )
    recency = {
        "linear": {"date": {"origin": today.isoformat(), "scale": f"{RECENCY_DAYS}d", "decay": 0.001}},
        "weight": RECENCY_BOOST,
    }
    return FunctionScore(
        query=by_status,
        functions=[recency, {"filter": Q("match_all"), "weight": 1.0}],
        score_mode="sum",
        boost_mode="multiply",
    )


# Ordered by relevance, status and recency are applied to the best RESCORE_WINDOW matches only (a rescore):
# they change a score by at most -50% / +15%, so only the top of the list can move, and computing them for
# every match cost more than the match itself when a common word matched most of the collection.
RESCORE_WINDOW = 200


def _rescore(query: EngineQuery) -> dict:
    return _rescore_clause(max(RESCORE_WINDOW, query.offset + query.limit), date.today())


@lru_cache(maxsize=64)
def _rescore_clause(window: int, today: date) -> dict:
    # Keyed by the day: recency is measured from it.
    return {
        "window_size": window,
        "query": {
            "rescore_query": _boosted(Q("match_all"), today).to_dict(),
            "query_weight": 1.0,
            "rescore_query_weight": 1.0,
            "score_mode": "multiply",
        },
    }


class PortalFacetedSearch(FacetedSearch):
    """The facets and what choosing one filters: the part of a request that does not depend on the query."""

    doc_types = [PageDocument]
    facets = {
        "type": TermsFacet(field="type", size=20),
        "topic": TermsFacet(field="topics", size=100),
        "voivodeship": TermsFacet(field="voivodeship", size=20),
        "municipality_kind": TermsFacet(field="municipality_kind", size=10),
        "year": TermsFacet(field="year", size=50, order={"_key": "desc"}),
        "status": TermsFacet(field="status", size=10),
    }

    def __init__(self, filters: dict, sort: str):
        # Ordered by relevance there is no sort clause: Elasticsearch rescores only results ordered by score.
        super().__init__(None, filters=filters, sort=("-date", "_score") if sort == "date" else ())


# What a search reads of the response: ids, scores, the total, the facet buckets (and the time, for benches).
RESPONSE_FIELDS = ",".join(
    (
        "took",
        "hits.total.value",
        "hits.hits._id",
        "hits.hits._score",
        "aggregations.*.buckets.key",
        "aggregations.*.buckets.doc_count",
        "aggregations.*.*.buckets.key",
        "aggregations.*.*.buckets.doc_count",
    )
)


@lru_cache(maxsize=256)
def _request_shape(filters: tuple, sort: str) -> dict:
    """Facet aggregations, post filter and sort clause for these filters and this order, as a request body.

    Building it through the faceted search copies every part of the request several times; it is the same
    for every query, so it is built once per set of filters and only the query and the page are added.
    """
    body = PortalFacetedSearch(dict(filters), sort).build_search().to_dict()
    if not filters:
        # Each facet sits in a filter that excludes the other facets' choices; with none chosen the filter
        # matches everything and only costs time (about a tenth of the engine's).
        aggs = body["aggs"]
        body["aggs"] = {name: aggs["_filter_" + name]["aggs"][name] for name in PortalFacetedSearch.facets}
    return body


def _request(query: EngineQuery) -> dict:
    filters = {k: str(v) if k == "year" else v for k, v in query.filters.items() if v}
    by_date = query.sort == "date"
    match = _match(query.tokens)
    body = dict(_request_shape(tuple(sorted(filters.items())), "date" if by_date else "relevance"))
    body["query"] = (_boosted(match, date.today()) if by_date else match).to_dict()
    body.update({"from": query.offset, "size": query.limit, "track_total_hits": True, "_source": False})
    if not by_date:
        body["rescore"] = _rescore(query)
    return body


# One client per URL and process: a client keeps its connections open between requests, while a new one
# costs its setup and a TCP connection on every search.
_CLIENTS: dict[str, Elasticsearch] = {}


def _client(url: str) -> Elasticsearch:
    client = _CLIENTS.get(url)
    if client is None:
        client = _CLIENTS.setdefault(
            url, Elasticsearch(url, request_timeout=5, retry_on_timeout=False, max_retries=0)
        )
    return client


class ElasticBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, url: str):
        self.client = _client(url)
        connections.add_connection("portal", self.client)
        self.alias = alias_name()

    def ensure_index(self) -> None:
        if not self.client.indices.exists_alias(name=self.alias):
            self._create_index_for_alias()

    def _new_index(self, name: str):
        index = PageDocument._index.clone(name, using="portal")
        # A cluster keeps a copy of every shard on another node, so losing one node loses no results.
        index.settings(
            number_of_shards=getattr(settings, "ELASTICSEARCH_SHARDS", 1),
            number_of_replicas=getattr(settings, "ELASTICSEARCH_REPLICAS", 0),
            similarity={"default": BM25},
        )
        index.create()

    def _create_index_for_alias(self) -> str:
        name = f"{self.alias}-v{MAPPING_VERSION}-{int(time.time() * 1000)}"
        self._new_index(name)
        self.client.indices.update_aliases(actions=[{"add": {"index": name, "alias": self.alias}}])
        return name

    def index(self, entries, *, refresh: bool = True) -> None:
        self.ensure_index()
        actions = [
            {**PageDocument.from_entry(e).to_dict(include_meta=True), "_index": self.alias} for e in entries
        ]
        if actions:
            helpers.bulk(self.client, actions, refresh="wait_for" if refresh else False)

    def flush(self) -> None:
        self.client.indices.refresh(index=self.alias)

    def remove(self, entry_ids) -> None:
        entry_ids = list(entry_ids)
        if not entry_ids or not self.client.indices.exists_alias(name=self.alias):
            return
        helpers.bulk(
            self.client,
            [{"_op_type": "delete", "_index": self.alias, "_id": pk} for pk in entry_ids],
            raise_on_error=False,
            refresh="wait_for",
        )

    def rebuild(self) -> None:
        """Build a fresh index and swap the alias to it, so search keeps answering meanwhile."""
        from search.models import SearchEntry

        old = (
            list(self.client.indices.get_alias(name=self.alias))
            if self.client.indices.exists_alias(name=self.alias)
            else []
        )
        name = f"{self.alias}-v{MAPPING_VERSION}-{int(time.time() * 1000)}"
        self._new_index(name)
        helpers.bulk(
            self.client,
            (
                {**PageDocument.from_entry(e).to_dict(include_meta=True), "_index": name}
                for e in SearchEntry.objects.iterator(chunk_size=2000)
            ),
            chunk_size=1000,
        )
        self.client.indices.refresh(index=name)
        actions = [{"add": {"index": name, "alias": self.alias}}]
        actions += [{"remove": {"index": index, "alias": self.alias}} for index in old]
        self.client.indices.update_aliases(actions=actions)
        if old:
            # Searches that resolved the alias just before the swap still run on the old index; deleting it
            # in the same step failed them. Let them finish first.
            time.sleep(OLD_INDEX_GRACE_SECONDS)
            self.client.indices.delete(index=",".join(old), ignore_unavailable=True)

    def search(self, query: EngineQuery) -> EngineResult:
        if not query.tokens:
            return EngineResult(hits=[], total=0)
        body = _request(query)
        response = self.client.search(index=self.alias, body=body, filter_path=RESPONSE_FIELDS).body
        # Without a match filter_path leaves out "hits.hits"; ordered by date the score is null.
        hits = [(int(h["_id"]), float(h.get("_score") or 0.0)) for h in response["hits"].get("hits", [])]
        aggregations = response.get("aggregations", {})
        facets = {}
        for name in PortalFacetedSearch.facets:
            # Under the facet's name, or inside the filter of the other facets' choices.
            aggregation = aggregations.get(name) or aggregations.get("_filter_" + name, {}).get(name, {})
            buckets = aggregation.get("buckets", [])
            facets[name] = [(str(b["key"]), b["doc_count"]) for b in buckets]
        return EngineResult(hits=hits, total=response["hits"]["total"]["value"], facets=facets)

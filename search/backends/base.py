"""The contract every search engine fulfils, and the SQL shared by the two database engines."""

from dataclasses import dataclass, field
from datetime import date

FACETS = ("type", "topic", "voivodeship", "municipality_kind", "year", "status")
FILTER_COLUMNS = {
    "type": "type",
    "voivodeship": "voivodeship",
    "municipality_kind": "municipality_kind",
    "status": "status",
}
# Ranking: where a word matches, how current an interpretation is, how recent the material is.
FIELD_WEIGHTS = {"title": 4.0, "basis": 3.0, "summary": 2.0, "body": 1.0}
STATUS_FACTOR = {"outdated": 0.6, "superseded": 0.5}
RECENCY_BOOST = 0.15  # at most +15% for material published today, fading to nothing over five years
RECENCY_DAYS = 5 * 365


@dataclass
class EngineQuery:
    """Normalised tokens to match (any of them), filters, facets wanted, order and page window."""

    tokens: list[str]
    filters: dict = field(default_factory=dict)  # type, topic, voivodeship, municipality_kind, year, status
    sort: str = "relevance"  # or "date"
    offset: int = 0
    limit: int = 10
    facets: bool = True


@dataclass
class EngineResult:
    hits: list[tuple[int, float]]  # (SearchEntry id, score), best first
    total: int
    facets: dict = field(default_factory=dict)  # name -> [(value, count)], most frequent first
    exact: bool = True  # False: total and facet counts are estimates (a very large result set)
    # How many matches the ranking reaches when fewer than total (a windowed ranking): pages stop there.
    reachable: int | None = None


class SearchBackend:
    name = "base"

    def index(self, entries, *, refresh: bool = True) -> None:
        """Add or replace these SearchEntry rows in the engine.

        refresh=False lets bulk loads skip waiting until each batch is searchable; call flush() at the end.
        """
        raise NotImplementedError

    def flush(self) -> None:
        """Make everything indexed so far searchable."""
        return None

    def remove(self, entry_ids) -> None:
        """Drop these SearchEntry ids from the engine (called before the rows are deleted)."""
        raise NotImplementedError

    def rebuild(self) -> None:
        """Re-create the engine's index from all SearchEntry rows."""
        raise NotImplementedError

    def search(self, query: EngineQuery) -> EngineResult:
        raise NotImplementedError


def recency_factor(day: date | None, today: date) -> float:
    if day is None:
        return 1.0
    age = max(0, (today - day).days)
    return 1.0 + RECENCY_BOOST * max(0.0, 1.0 - age / RECENCY_DAYS)


class SqlBackend(SearchBackend):
    """Filtering, ordering and facet counting in SQL over the rows the engine's full-text match selects."""

    def _match(self, query: EngineQuery) -> tuple[str, str, list]:
        """(FROM/JOIN fragment, score expression, params) selecting entries that match any token."""
        raise NotImplementedError

    def token_frequencies(self) -> dict[str, int]:
        """How many entries hold each index token (lemma): the weights of "did you mean"."""
        raise NotImplementedError

    def _year_expr(self) -> str:
        raise NotImplementedError

    def _age_days_expr(self) -> str:
        raise NotImplementedError

    def _where(self, query: EngineQuery, skip: str | None = None) -> tuple[str, list]:
        clauses, params = [], []
        for name, value in query.filters.items():
            if not value or name == skip:
                continue
            if name in FILTER_COLUMNS:
                clauses.append(f"e.{FILTER_COLUMNS[name]} = %s")
                params.append(value)
            elif name == "topic":
                clauses.append("e.topics_text LIKE %s")
                params.append(f"% {value} %")
            elif name == "year":
                # A range rather than the year of each date, so that an index on the date can serve it.
                clauses.append("e.date >= %s AND e.date < %s")
                params += [f"{int(value):04d}-01-01", f"{int(value) + 1:04d}-01-01"]
        return (" AND " + " AND ".join(clauses)) if clauses else "", params

    facet_columns = ""  # further columns the topic facet reads

    def _topic_slugs(self) -> tuple[str, str]:
        """(FROM fragment over the topics of row e, expression of one topic's slug)."""
        raise NotImplementedError

    def _final(self, score: str) -> str:
        """The score with the status factor and the recency boost applied."""
        status = " ".join(f"WHEN '{k}' THEN {v}" for k, v in STATUS_FACTOR.items())
        return (
            f"({score}) * (CASE e.status {status} ELSE 1.0 END)"
            f" * (1.0 + {RECENCY_BOOST} * (CASE WHEN e.date IS NULL THEN 0.0 ELSE"
            f" {self.greatest}(0.0, 1.0 - ({self._age_days_expr()}) / {float(RECENCY_DAYS)}) END))"
        )

    def _order(self, query: EngineQuery) -> str:
        return "final DESC, e.date DESC" if query.sort != "date" else "e.date DESC, final DESC"

    def search(self, query: EngineQuery) -> EngineResult:
        if not query.tokens:
            return EngineResult(hits=[], total=0, facets={})
        source, score, match_params = self._match(query)
        return self._run(query, source, self._final(score), match_params)

    def _run(
        self, query: EngineQuery, source: str, final: str, match_params: list, *, with_hits: bool = True
    ) -> EngineResult:
        """Hits (unless with_hits=False), total and facets of the rows `source` selects, in one statement."""
        from django.db import connection

        order = self._order(query)
        # One statement: the full-text match runs once into m, and the page of hits, the total and every
        # facet are read from it. Each part used to repeat the match, which dominated at 100,000 entries.
        where, where_params = self._where(query)
        parts = [f"SELECT 'total', NULL, COUNT(*), 0 FROM m e WHERE 1=1 {where}"]
        params = [*match_params, *where_params]
        if with_hits:
            parts.insert(
                0,
                f"SELECT 'hit', CAST(e.id AS TEXT), e.final, ROW_NUMBER() OVER (ORDER BY {order})"
                f" FROM (SELECT * FROM m e WHERE 1=1 {where} ORDER BY {order} LIMIT %s OFFSET %s) e",
            )
            params = [*match_params, *where_params, query.limit, query.offset, *where_params]
        if query.facets:
            # Each facet counts with every other filter applied, so choosing a value never hides its siblings.
            for name in ("type", "voivodeship", "municipality_kind", "status"):
                skip_where, skip_params = self._where(query, skip=name)
                parts.append(
                    f"SELECT '{name}', e.{name}, COUNT(*), 0 FROM m e WHERE e.{name} <> '' {skip_where}"
                    f" GROUP BY e.{name}"
                )
                params += skip_params
            skip_where, skip_params = self._where(query, skip="year")
            year = self._year_expr()
            parts.append(
                f"SELECT 'year', {year}, COUNT(*), 0 FROM m e WHERE e.date IS NOT NULL {skip_where}"
                f" GROUP BY {year}"
            )
            params += skip_params
            skip_where, skip_params = self._where(query, skip="topic")
            topics, slug = self._topic_slugs()
            parts.append(
                f"SELECT 'topic', {slug}, COUNT(*), 0 FROM m e, {topics} WHERE 1=1 {skip_where}"
                f" GROUP BY {slug}"
            )
            params += skip_params
        columns = "e.id, e.date, e.type, e.voivodeship, e.municipality_kind, e.status, e.topics_text"
        columns += self.facet_columns
        sql = (
            f"WITH m AS {self.materialized} (SELECT {columns}, {final} AS final FROM {source}) "
            + " UNION ALL ".join(parts)
        )
        hits, total, facets = [], 0, {}
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        for kind, value, number, position in rows:
            if kind == "hit":
                hits.append((position, int(value), float(number or 0.0)))
            elif kind == "total":
                total = int(number)
            else:
                facets.setdefault(kind, []).append((str(value), int(number)))
        for name in ("type", "voivodeship", "municipality_kind", "status", "topic") if query.facets else ():
            facets[name] = sorted(facets.get(name, []), key=lambda kv: (-kv[1], kv[0]))
        if query.facets:
            facets["year"] = sorted(facets.get("year", []), reverse=True)
        return EngineResult(hits=[(pk, sc) for _pos, pk, sc in sorted(hits)], total=total, facets=facets)

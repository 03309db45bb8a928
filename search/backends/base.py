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
                clauses.append(f"{self._year_expr()} = %s")
                params.append(str(value))
        return (" AND " + " AND ".join(clauses)) if clauses else "", params

    def search(self, query: EngineQuery) -> EngineResult:
        from django.db import connection

        if not query.tokens:
            return EngineResult(hits=[], total=0, facets={})
        source, score, match_params = self._match(query)
        where, where_params = self._where(query)
        status = " ".join(f"WHEN '{k}' THEN {v}" for k, v in STATUS_FACTOR.items())
        final = (
            f"({score}) * (CASE e.status {status} ELSE 1.0 END)"
            f" * (1.0 + {RECENCY_BOOST} * (CASE WHEN e.date IS NULL THEN 0.0 ELSE"
            f" {self.greatest}(0.0, 1.0 - ({self._age_days_expr()}) / {float(RECENCY_DAYS)}) END))"
        )
        order = "final DESC, e.date DESC" if query.sort != "date" else "e.date DESC, final DESC"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT e.id, {final} AS final FROM {source} WHERE 1=1 {where}"
                f" ORDER BY {order} LIMIT %s OFFSET %s",
                match_params + where_params + [query.limit, query.offset],
            )
            hits = [(row[0], float(row[1] or 0.0)) for row in cursor.fetchall()]
            cursor.execute(f"SELECT COUNT(*) FROM {source} WHERE 1=1 {where}", match_params + where_params)
            total = cursor.fetchone()[0]
            facets = self._facets(cursor, query, source, match_params) if query.facets else {}
        return EngineResult(hits=hits, total=total, facets=facets)

    def _facets(self, cursor, query, source, match_params) -> dict:
        facets = {}
        # Each facet counts with every other filter applied, so choosing a value never hides its siblings.
        for name in ("type", "voivodeship", "municipality_kind", "status"):
            where, params = self._where(query, skip=name)
            cursor.execute(
                f"SELECT e.{name}, COUNT(*) FROM {source} WHERE e.{name} <> '' {where}"
                f" GROUP BY e.{name} ORDER BY COUNT(*) DESC",
                match_params + params,
            )
            facets[name] = [(value, count) for value, count in cursor.fetchall()]
        where, params = self._where(query, skip="year")
        year = self._year_expr()
        cursor.execute(
            f"SELECT {year}, COUNT(*) FROM {source} WHERE e.date IS NOT NULL {where}"
            f" GROUP BY {year} ORDER BY 1 DESC",
            match_params + params,
        )
        facets["year"] = [(str(value), count) for value, count in cursor.fetchall()]
        where, params = self._where(query, skip="topic")
        cursor.execute(f"SELECT e.topics_text FROM {source} WHERE 1=1 {where}", match_params + params)
        counts: dict[str, int] = {}
        for (text,) in cursor.fetchall():
            for slug in (text or "").split():
                counts[slug] = counts.get(slug, 0) + 1
        facets["topic"] = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return facets

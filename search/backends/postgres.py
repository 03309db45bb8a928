"""PostgreSQL full-text search over the normalised fields (production without Elasticsearch)."""

import math
import re

from django.db import connection

from .base import FIELD_WEIGHTS, EngineQuery, SqlBackend

# ts_rank takes weights for D, C, B, A: body, summary, legal basis, title.
_TOP = FIELD_WEIGHTS["title"]
RANK_WEIGHTS = (
    "{"
    + ",".join(str(round(FIELD_WEIGHTS[k] / _TOP, 3)) for k in ("body", "summary", "basis", "title"))
    + "}"
)


SAFE_TOKEN = re.compile(r"^[a-z0-9]+$")
IDF_CACHE_SECONDS = 600


class PostgresBackend(SqlBackend):
    """The tsvector is a generated column of the entry (see the migration), so indexing is the row itself."""

    name = "postgres"
    greatest = "GREATEST"

    def index(self, entries) -> None:
        return None

    def remove(self, entry_ids) -> None:
        return None

    def rebuild(self) -> None:
        return None

    def _match(self, query: EngineQuery):
        # Tokens come from the analyser (folded lowercase letters and digits); anything else is dropped, so
        # they can stand in the SQL as literals next to the per-token weights.
        tokens = [t for t in query.tokens if SAFE_TOKEN.match(t)] or ["-"]
        expression = " | ".join(f"'{t}'" for t in tokens)
        source = "search_searchentry e JOIN to_tsquery('simple', %s) q ON e.search_vector @@ q"
        # ts_rank knows nothing of how rare a word is; weight each token's rank by its IDF as BM25 would, so
        # that "żłobek" outweighs "centrum". Normalisation 1 divides by 1 + log(length).
        idf = self._idf(tokens)
        rank = "ts_rank('" + RANK_WEIGHTS + "'::float4[], e.search_vector, to_tsquery('simple', 'TOKEN'), 1)"
        score = " + ".join(f"{idf[t]:.4f} * " + rank.replace("TOKEN", t) for t in tokens)
        return source, score, [expression]

    def _idf(self, tokens: list[str]) -> dict[str, float]:
        from django.core.cache import cache

        key = "search:pg:idf:" + "-".join(sorted(tokens))
        cached = cache.get(key)
        if cached is not None:
            return cached
        with connection.cursor() as cursor:
            counts = ", ".join(
                f"count(*) FILTER (WHERE search_vector @@ to_tsquery('simple', '{t}'))" for t in tokens
            )
            cursor.execute(f"SELECT count(*), {counts} FROM search_searchentry")
            total, *frequencies = cursor.fetchone()
        idf = {
            t: math.log(1 + (total - df + 0.5) / (df + 0.5))
            for t, df in zip(tokens, frequencies, strict=True)
        }
        cache.set(key, idf, IDF_CACHE_SECONDS)
        return idf

    def _year_expr(self) -> str:
        return "EXTRACT(YEAR FROM e.date)::int::text"

    def _age_days_expr(self) -> str:
        return "(CURRENT_DATE - e.date)"


def ensure_search_vector(schema_connection=None) -> None:
    conn = schema_connection or connection
    with conn.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE search_searchentry ADD COLUMN IF NOT EXISTS search_vector tsvector"
            " GENERATED ALWAYS AS ("
            " setweight(to_tsvector('simple', coalesce(title_norm, '')), 'A') ||"
            " setweight(to_tsvector('simple', coalesce(basis_norm, '')), 'B') ||"
            " setweight(to_tsvector('simple', coalesce(summary_norm, '')), 'C') ||"
            " setweight(to_tsvector('simple', coalesce(body_norm, '')), 'D')) STORED"
        )
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS search_entry_vector_gin"
            " ON search_searchentry USING GIN (search_vector)"
        )

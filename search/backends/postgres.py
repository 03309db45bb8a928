"""PostgreSQL full-text search over the normalised fields (production without Elasticsearch)."""

from django.db import connection

from .base import FIELD_WEIGHTS, EngineQuery, SqlBackend

# ts_rank takes weights for D, C, B, A: body, summary, legal basis, title.
_TOP = FIELD_WEIGHTS["title"]
RANK_WEIGHTS = (
    "{"
    + ",".join(str(round(FIELD_WEIGHTS[k] / _TOP, 3)) for k in ("body", "summary", "basis", "title"))
    + "}"
)


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
        expression = " | ".join("'" + token.replace("'", "") + "'" for token in query.tokens)
        source = "search_searchentry e JOIN to_tsquery('simple', %s) q ON e.search_vector @@ q"
        # ts_rank normalisation 1: divide by 1 + log(length), so long documents do not win on length alone.
        return source, f"ts_rank('{RANK_WEIGHTS}'::float4[], e.search_vector, q, 1)", [expression]

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

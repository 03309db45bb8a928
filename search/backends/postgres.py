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


class PostgresBackend(SqlBackend):
    """The tsvector is a generated column of the entry (see the migration), so indexing is the row itself."""

    name = "postgres"
    greatest = "GREATEST"
    materialized = "MATERIALIZED"

    def index(self, entries, *, refresh: bool = True) -> None:
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
        # Document frequencies come from search_documentfrequency, which triggers keep current on every
        # write (ensure_document_frequencies): a primary-key lookup instead of scanning every entry.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT token, docs FROM search_documentfrequency WHERE token = ANY(%s)", [["", *tokens]]
            )
            found = dict(cursor.fetchall())
        total = max(found.get("", 0), 0)
        return {
            t: math.log(1 + (total - max(found.get(t, 0), 0) + 0.5) / (max(found.get(t, 0), 0) + 0.5))
            for t in tokens
        }

    def _topic_slugs(self) -> tuple[str, str]:
        # The slugs as text: splitting ' a b ' is cheaper than reading the topics JSON of every match.
        return "unnest(string_to_array(btrim(e.topics_text), ' ')) t(slug)", "t.slug"

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


# One aggregated upsert per statement: bulk inserts touch each token's row once, and the ORDER BY makes
# concurrent writers lock rows in the same order. The empty token counts the entries.
_DF_CHANGES = {
    "new": "SELECT unnest(tsvector_to_array(search_vector)), 1 FROM new_rows"
    " UNION ALL SELECT '', count(*) FROM new_rows",
    "old": "SELECT unnest(tsvector_to_array(search_vector)), -1 FROM old_rows"
    " UNION ALL SELECT '', -count(*) FROM old_rows",
}
_DF_UPSERT = (
    "INSERT INTO search_documentfrequency AS f (token, docs)"
    " SELECT token, sum(change) FROM ({changes}) AS c(token, change)"
    " GROUP BY token HAVING sum(change) <> 0 ORDER BY token"
    " ON CONFLICT (token) DO UPDATE SET docs = f.docs + excluded.docs;"
)


def ensure_document_frequencies(schema_connection=None) -> None:
    """Triggers that keep search_documentfrequency in step with the entries' tsvectors, then a backfill."""
    conn = schema_connection or connection
    insert = _DF_UPSERT.format(changes=_DF_CHANGES["new"])
    delete = _DF_UPSERT.format(changes=_DF_CHANGES["old"])
    update = _DF_UPSERT.format(changes=_DF_CHANGES["new"] + " UNION ALL " + _DF_CHANGES["old"])
    with conn.cursor() as cursor:
        cursor.execute(
            "CREATE OR REPLACE FUNCTION search_documentfrequency_apply() RETURNS trigger"
            " LANGUAGE plpgsql AS $$ BEGIN"
            f" IF TG_OP = 'INSERT' THEN {insert}"
            f" ELSIF TG_OP = 'DELETE' THEN {delete}"
            f" ELSE {update} END IF;"
            " RETURN NULL; END $$"
        )
        for event, referencing in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        ):
            name = f"search_documentfrequency_{event.lower()}"
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON search_searchentry")
            cursor.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON search_searchentry REFERENCING {referencing}"
                " FOR EACH STATEMENT EXECUTE FUNCTION search_documentfrequency_apply()"
            )
        cursor.execute("DELETE FROM search_documentfrequency")
        cursor.execute(
            "INSERT INTO search_documentfrequency (token, docs)"
            " SELECT token, count(*) FROM search_searchentry,"
            " unnest(tsvector_to_array(search_vector)) AS token"
            " GROUP BY token UNION ALL SELECT '', count(*) FROM search_searchentry"
        )

"""PostgreSQL full-text search over the normalised fields (production without Elasticsearch)."""

import math
import re

from django.conf import settings
from django.db import connection

from .base import FIELD_WEIGHTS, EngineQuery, EngineResult, SqlBackend

# ts_rank takes weights for D, C, B, A: body, summary, legal basis, title.
_TOP = FIELD_WEIGHTS["title"]
RANK_WEIGHTS = (
    "{"
    + ",".join(str(round(FIELD_WEIGHTS[k] / _TOP, 3)) for k in ("body", "summary", "basis", "title"))
    + "}"
)


SAFE_TOKEN = re.compile(r"^[a-z0-9]+$")
# In a very large result set, candidates are sought only for the words whose IDF is at least this share of
# the query's highest.
NEGLIGIBLE_IDF_SHARE = 0.25


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
        tokens = self._tokens(query)
        source = (
            "search_searchentry e JOIN to_tsquery('simple', %s) q ON e.search_vector @@ q"
            # Read the stored tsvector once per row: every ts_rank call on the column itself would fetch
            # and decompress it again, once per query token.
            " CROSS JOIN LATERAL (SELECT e.search_vector || ''::tsvector AS v OFFSET 0) d"
        )
        return source, self._score(tokens, self._idf(tokens)[0]), [self._expression(tokens)]

    @staticmethod
    def _tokens(query: EngineQuery) -> list[str]:
        return [t for t in query.tokens if SAFE_TOKEN.match(t)] or ["-"]

    @staticmethod
    def _expression(tokens) -> str:
        return " | ".join(f"'{t}'" for t in tokens)

    @staticmethod
    def _score(tokens, idf: dict[str, float]) -> str:
        # ts_rank knows nothing of how rare a word is; weight each token's rank by its IDF as BM25 would, so
        # that "żłobek" outweighs "centrum". Normalisation 1 divides by 1 + log(length).
        rank = "ts_rank('" + RANK_WEIGHTS + "'::float4[], d.v, to_tsquery('simple', 'TOKEN'), 1)"
        return " + ".join(f"{idf[t]:.4f} * " + rank.replace("TOKEN", t) for t in tokens)

    def search(self, query: EngineQuery) -> EngineResult:
        if not query.tokens:
            return EngineResult(hits=[], total=0, facets={})
        tokens = self._tokens(query)
        idf, frequencies, entries = self._idf(tokens)
        if min(entries, sum(frequencies.values())) <= settings.SEARCH_DATABASE_EXACT_LIMIT:
            return super().search(query)
        return self._search_large(query, tokens, idf, frequencies, entries)

    def _search_large(self, query, tokens, idf, frequencies, entries) -> EngineResult:
        """A query matching a large share of a large collection, answered without scoring every match.

        Reading and ranking the tsvector of every one of 50,000 matches takes seconds. So, as search
        engines do past a limit: the total and facet counts are estimated from a fixed sixteenth of the
        entries, and the ranking is exact within a window of candidates, namely every entry matching the
        query's rarest words (those whose document frequencies add up to SEARCH_DATABASE_RANK_WINDOW; their
        IDF dominates the score), the most recent entries with the other words in the title, and the most
        recent matches. Sorting by date stays exact.
        """
        where, where_params = self._where(query)
        expression = self._expression(tokens)
        # The sample has an index of its own (ensure_large_result_support).
        estimate = self._run(
            query,
            "search_searchentry e JOIN to_tsquery('simple', %s) q"
            f" ON e.search_vector @@ q AND {SAMPLE_CONDITION}",
            "0",
            [expression],
            with_hits=False,
        )
        scale = SAMPLE_SHARE
        total = round(estimate.total * scale)
        if len(tokens) == 1 and not where:
            total = frequencies.get(tokens[0], total)  # exact: the frequency table counts every entry
        facets = {
            name: [(value, max(1, round(count * scale))) for value, count in values]
            for name, values in estimate.facets.items()
        }

        final = self._final(self._score(tokens, idf))
        matching = (
            f"SELECT * FROM search_searchentry e WHERE e.search_vector @@ to_tsquery('simple', %s) {where}"
        )
        if query.sort == "date":
            # The most recent matches down to the date of the last one on this page, with every entry of
            # that same date, so that the ranking settles ties between them as it would among all matches.
            # A page that reaches past the last match takes every match.
            windows = [
                (
                    f"{matching} AND (e.date IS NULL OR e.date >= COALESCE(("
                    f"SELECT e.date FROM search_searchentry e"
                    f" WHERE e.search_vector @@ to_tsquery('simple', %s) {where}"
                    " ORDER BY e.date DESC OFFSET %s LIMIT 1), '-infinity'::date))",
                    [expression, *where_params, expression, *where_params, query.offset + query.limit - 1],
                )
            ]
        else:
            # Words nearly every entry holds ("społeczny" in a collection about social services) move no
            # ranking; left in the windows, their matches would crowd out those of the words that do.
            occurring = [t for t in tokens if frequencies.get(t)]
            strongest = max(idf[t] for t in occurring)
            telling = [t for t in occurring if idf[t] >= NEGLIGIBLE_IDF_SHARE * strongest]
            windows = [
                (
                    f"{matching} ORDER BY e.date DESC LIMIT %s",
                    [self._expression(telling), *where_params, settings.SEARCH_DATABASE_RECENT_CANDIDATES],
                )
            ]
            rare, budget = [], 0
            for token in sorted(tokens, key=lambda t: (frequencies.get(t, 0), t)):
                if budget + frequencies.get(token, 0) > settings.SEARCH_DATABASE_RANK_WINDOW:
                    break
                rare.append(token)
                budget += frequencies.get(token, 0)
            if rare:
                windows.append((matching, [self._expression(rare), *where_params]))
            common = [t for t in telling if t not in rare]
            if common:
                # A word in the title weighs four times one in the body: the likeliest of the rest to rank.
                windows.append(
                    (
                        "SELECT * FROM search_searchentry e"
                        f" WHERE e.title_vector @@ to_tsquery('simple', %s) {where}"
                        " ORDER BY e.date DESC LIMIT %s",
                        [self._expression(common), *where_params, settings.SEARCH_DATABASE_TITLE_CANDIDATES],
                    )
                )
        # Each candidate is scored where it is read; one found by several windows is kept once.
        scored = " UNION ALL ".join(
            f"SELECT e.id, e.date, {final} AS final FROM ({rows}) e"
            " CROSS JOIN LATERAL (SELECT e.search_vector || ''::tsvector AS v OFFSET 0) d"
            for rows, _params in windows
        )
        # With every page, how many candidates the windows hold: ranked by relevance, pages end there.
        sql = (
            f"SELECT e.id, max(e.final) AS final, count(*) OVER () FROM ({scored}) e GROUP BY e.id, e.date"
            f" ORDER BY {self._order(query)}, e.id LIMIT %s OFFSET %s"
        )
        params = [p for _rows, window_params in windows for p in window_params]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, query.limit, query.offset])
            rows = cursor.fetchall()
            hits = [(int(pk), float(score or 0.0)) for pk, score, _candidates in rows]
            reachable = None
            if query.sort != "date":
                if rows:
                    reachable = rows[0][2]
                else:  # a page past the candidates: count them on their own
                    cursor.execute(f"SELECT count(DISTINCT e.id) FROM ({scored}) e", params)
                    reachable = cursor.fetchone()[0]
            elif len(hits) < query.limit:
                # In date order a page that is not full holds the last match, so the count is known. Past
                # it (a page beyond an estimate that came out too high) the matches are counted.
                if hits:
                    total = query.offset + len(hits)
                else:
                    cursor.execute(f"SELECT count(*) FROM ({matching}) e", [expression, *where_params])
                    total = cursor.fetchone()[0]
                return EngineResult(hits=hits, total=total, facets=facets, exact=False)
        total = max(total, len(hits), reachable or 0)
        return EngineResult(hits=hits, total=total, facets=facets, exact=False, reachable=reachable)

    def token_frequencies(self) -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT token, docs FROM search_documentfrequency WHERE token <> ''")
            return dict(cursor.fetchall())

    def _idf(self, tokens: list[str]) -> tuple[dict[str, float], dict[str, int], int]:
        """(IDF per token, document frequency per token, number of entries)."""
        # Document frequencies come from search_documentfrequency, which triggers keep current on every
        # write (ensure_document_frequencies): a primary-key lookup instead of scanning every entry.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT token, docs FROM search_documentfrequency WHERE token = ANY(%s)", [["", *tokens]]
            )
            found = {token: max(docs, 0) for token, docs in cursor.fetchall()}
        total = found.pop("", 0)
        frequencies = {t: found.get(t, 0) for t in tokens}
        idf = {t: math.log(1 + (total - frequencies[t] + 0.5) / (frequencies[t] + 0.5)) for t in tokens}
        return idf, frequencies, total

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


# Estimates for very large result sets count the matches among one in SAMPLE_SHARE entries, chosen by a
# hash of the id so that no regular pattern in ids (a periodic import, say) biases them.
SAMPLE_SHARE = 16
SAMPLE_CONDITION = f"(hashint8(e.id) & {SAMPLE_SHARE - 1}) = 0"


def ensure_large_result_support(schema_connection=None) -> None:
    conn = schema_connection or connection
    with conn.cursor() as cursor:
        # Titles alone, small enough to stay in the row: candidates for ranking a very large result set.
        cursor.execute(
            "ALTER TABLE search_searchentry ADD COLUMN IF NOT EXISTS title_vector tsvector"
            " GENERATED ALWAYS AS (to_tsvector('simple', coalesce(title_norm, ''))) STORED"
        )
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS search_entry_title_vector_gin"
            " ON search_searchentry USING GIN (title_vector)"
        )
        # The index holds only the sample, so counting its matches never reads (or decompresses) the
        # tsvectors themselves: a tsvector match in a GIN index needs no recheck.
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS search_entry_vector_sample ON search_searchentry"
            " USING GIN (search_vector) WHERE " + SAMPLE_CONDITION.replace("e.id", "id")
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

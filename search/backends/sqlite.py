"""SQLite FTS5 over the normalised fields (the embedded default)."""

from django.db import connection

from .base import FIELD_WEIGHTS, EngineQuery, SqlBackend

FTS_TABLE = "search_fts"
VOCAB_TABLE = "search_fts_vocab"  # FTS5's own count of the entries holding each token
COLUMNS = ("title_norm", "basis_norm", "summary_norm", "body_norm")


def ensure_fts_table(schema_connection=None) -> None:
    conn = schema_connection or connection
    with conn.cursor() as cursor:
        # Tokens arrive already normalised (folded lemmas); FTS5 only needs to split on spaces.
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
            f'{", ".join(COLUMNS)}, tokenize = "unicode61 remove_diacritics 0")'
        )
        cursor.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCAB_TABLE} USING fts5vocab({FTS_TABLE}, row)")


class SqliteBackend(SqlBackend):
    name = "sqlite"
    greatest = "max"
    materialized = "MATERIALIZED"

    def index(self, entries, *, refresh: bool = True) -> None:
        entries = list(entries)
        if not entries:
            return
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(e.pk,) for e in entries])
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, {', '.join(COLUMNS)}) VALUES (%s, %s, %s, %s, %s)",
                [(e.pk, e.title_norm, e.basis_norm, e.summary_norm, e.body_norm) for e in entries],
            )

    def remove(self, entry_ids) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(i,) for i in entry_ids])

    def rebuild(self) -> None:
        from django.db import transaction

        from search.models import SearchEntry

        # One transaction: searches running meanwhile see the old index until the new one is complete.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")
            batch = []
            for entry in SearchEntry.objects.only("pk", *COLUMNS).iterator(chunk_size=1000):
                batch.append(entry)
                if len(batch) == 1000:
                    self.index(batch)
                    batch = []
            self.index(batch)

    def token_frequencies(self) -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT term, doc FROM {VOCAB_TABLE}")
            return dict(cursor.fetchall())

    def _match(self, query: EngineQuery):
        expression = " OR ".join('"' + token.replace('"', "") + '"' for token in query.tokens)
        weights = ", ".join(str(FIELD_WEIGHTS[k]) for k in ("title", "basis", "summary", "body"))
        source = f"{FTS_TABLE} f JOIN search_searchentry e ON e.id = f.rowid AND {FTS_TABLE} MATCH %s"
        # bm25() is negative, better matches more so; flip it so that larger is better everywhere.
        return source, f"-bm25({FTS_TABLE}, {weights})", [expression]

    facet_columns = ", e.topics"  # json_each() splits it: SQLite has no string splitting

    def _topic_slugs(self) -> tuple[str, str]:
        return "json_each(e.topics) t", "json_extract(t.value, '$[0]')"

    def _year_expr(self) -> str:
        return "substr(e.date, 1, 4)"

    def _age_days_expr(self) -> str:
        return "julianday('now') - julianday(e.date)"

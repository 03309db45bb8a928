"""SQLite: FTS5's vocabulary table, which counts the entries holding each token (weights of "did you mean")."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        from search.backends.sqlite import ensure_fts_table

        ensure_fts_table(schema_editor.connection)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS search_fts_vocab")


class Migration(migrations.Migration):
    dependencies = [("portal_search", "0007_large_result_sets")]
    operations = [migrations.RunPython(forwards, backwards)]

"""The engine-specific full-text structures next to SearchEntry: an FTS5 table or a generated tsvector."""

from django.db import migrations


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        from search.backends.sqlite import ensure_fts_table

        ensure_fts_table(connection)
    elif connection.vendor == "postgresql":
        from search.backends.postgres import ensure_search_vector

        ensure_search_vector(connection)


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TABLE IF EXISTS search_fts")
        elif connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE search_searchentry DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [("portal_search", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

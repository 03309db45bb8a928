"""PostgreSQL: triggers that keep the document frequency of every index token current (IDF for ranking)."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from search.backends.postgres import ensure_document_frequencies

        ensure_document_frequencies(schema_editor.connection)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            for event in ("insert", "update", "delete"):
                cursor.execute(f"DROP TRIGGER IF EXISTS search_documentfrequency_{event} ON search_searchentry")
            cursor.execute("DROP FUNCTION IF EXISTS search_documentfrequency_apply()")


class Migration(migrations.Migration):
    dependencies = [("portal_search", "0004_entries_without_pages")]
    operations = [migrations.RunPython(forwards, backwards)]

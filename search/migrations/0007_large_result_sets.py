"""PostgreSQL: what answers very large result sets quickly: a sample index and a title-only tsvector."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from search.backends.postgres import ensure_large_result_support

        ensure_large_result_support(schema_editor.connection)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS search_entry_vector_sample")
            cursor.execute("ALTER TABLE search_searchentry DROP COLUMN IF EXISTS title_vector")


class Migration(migrations.Migration):
    dependencies = [("portal_search", "0006_pending_index_writes")]
    operations = [migrations.RunPython(forwards, backwards)]

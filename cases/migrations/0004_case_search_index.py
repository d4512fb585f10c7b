"""A GIN index for the list page's full-text search; PostgreSQL only (SQLite has no use for it).

The indexed expression is the SQL that `cases.search.search_vector()` compiles to, without the
table prefix. PostgreSQL uses an expression index only for the identical expression, so the
two change together; tests/test_search.py checks that the planner can use this index. It is
not a model index (cases/models.py has none for it), so `makemigrations` sees no drift.
"""

from django.db import migrations

INDEX_NAME = "case_search_idx"

SEARCH_VECTOR_SQL = (
    "(setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')"
    " || setweight(to_tsvector('english'::regconfig,"
    " COALESCE(decision, '') || ' ' || COALESCE(search_terms, '')), 'B'))"
    " || setweight(to_tsvector('english'::regconfig,"
    " COALESCE(summary, '') || ' ' || COALESCE(story, '')), 'C')"
)


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("cases", "Case")._meta.db_table)
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON {table} USING gin (({SEARCH_VECTOR_SQL}))"
    )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_threads_flags_minds")]

    operations = [migrations.RunPython(create_search_index, drop_search_index)]

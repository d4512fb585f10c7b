"""Fill what 0006 added for the rows already there, and move search to a stored document.

- Comments get their rendered HTML, their thread's root and their Wilson score; cases their
  rendered story.
- PostgreSQL: a trigger keeps `Case.search_document` current on every insert and on every
  update of the searched columns (title A; decision and search words B; summary and story C),
  a GIN index covers it, and 0004's expression index goes.
- The counted figures (comment counts, moved voters, perspective tallies, chart points, sort
  scores) are rebuilt by `manage.py recount_votes`, which `make run` runs after migrating;
  after upgrading a deployment with data, run it once (README, "Upgrading").
"""

from django.db import migrations

from cases.markdown import render_markdown
from cases.threads import wilson_lower_bound

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION cases_case_search_document() RETURNS trigger AS $$
BEGIN
  NEW.search_document :=
    setweight(to_tsvector('english'::regconfig, COALESCE(NEW.title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig,
         COALESCE(NEW.decision, '') || ' ' || COALESCE(NEW.search_terms, '')), 'B')
    || setweight(to_tsvector('english'::regconfig,
         COALESCE(NEW.summary, '') || ' ' || COALESCE(NEW.story, '')), 'C');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS cases_case_search_document ON cases_case;
CREATE TRIGGER cases_case_search_document
  BEFORE INSERT OR UPDATE OF title, decision, search_terms, summary, story ON cases_case
  FOR EACH ROW EXECUTE FUNCTION cases_case_search_document();
UPDATE cases_case SET title = title;
DROP INDEX IF EXISTS case_search_idx;
CREATE INDEX IF NOT EXISTS case_search_document_idx ON cases_case USING gin (search_document);
"""

DROP_TRIGGER_SQL = """
DROP INDEX IF EXISTS case_search_document_idx;
DROP TRIGGER IF EXISTS cases_case_search_document ON cases_case;
DROP FUNCTION IF EXISTS cases_case_search_document();
"""


def fill_rows(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Comment = apps.get_model("cases", "Comment")
    for case in Case.objects.only("pk", "story").iterator():
        Case.objects.filter(pk=case.pk).update(story_html=render_markdown(case.story))
    parents = dict(Comment.objects.values_list("pk", "parent_id"))
    for comment in Comment.objects.only("pk", "body", "parent_id", "upvotes", "downvotes"):
        root = comment.parent_id
        while root is not None and parents.get(root) is not None:
            root = parents[root]
        Comment.objects.filter(pk=comment.pk).update(
            body_html=render_markdown(comment.body),
            root_id=root,
            wilson=wilson_lower_bound(comment.upvotes, comment.downvotes),
        )


def search_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL)


def drop_search_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER_SQL)


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_stored_figures")]

    operations = [
        migrations.RunPython(fill_rows, migrations.RunPython.noop),
        migrations.RunPython(search_trigger, drop_search_trigger),
    ]

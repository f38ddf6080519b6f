"""On PostgreSQL, keep each learning summary's weighted search document, indexed.

Worked out at query time, the documents of 2,000 summaries took a second to build for every
search. A stored generated column is rebuilt by PostgreSQL itself whenever the folded search
columns change (by any path), and a GIN index finds the matches. SQLite keeps its FTS5 table
(0012); there this migration does nothing. A later migration that changes the type of
search_title, search_lessons or search_body must drop and re-create this column around it.
"""

from django.db import migrations

ADD = """
ALTER TABLE schemes_learningsummary ADD COLUMN search_document tsvector
GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, search_title), 'A')
    || setweight(to_tsvector('english'::regconfig, search_lessons), 'B')
    || setweight(to_tsvector('english'::regconfig, search_body), 'D')
) STORED;
CREATE INDEX schemes_learning_search_document ON schemes_learningsummary
USING gin (search_document);
"""
DROP = """
DROP INDEX IF EXISTS schemes_learning_search_document;
ALTER TABLE schemes_learningsummary DROP COLUMN IF EXISTS search_document;
"""


def add_document(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD)


def drop_document(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("schemes", "0013_reference_data_in_welsh")]

    operations = [migrations.RunPython(add_document, drop_document, elidable=False)]

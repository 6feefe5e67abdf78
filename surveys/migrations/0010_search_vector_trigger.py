"""Search entries get their full-text vector from the database as they are written.

A trigger computes ``vector`` from ``text`` (weight A for answers, B for files) on every insert
and on any change of the text or source, so an entry can never carry a vector of another text
and indexing writes each row once. PostgreSQL only: elsewhere the search matches ``text``.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION surveys_searchentry_vector() RETURNS trigger AS $$
BEGIN
    NEW.vector := setweight(
        to_tsvector('english'::regconfig, coalesce(NEW.text, '')),
        (CASE WHEN NEW.source = 'attachment' THEN 'B' ELSE 'A' END)::"char"
    );
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS surveys_searchentry_vector ON surveys_searchentry;
CREATE TRIGGER surveys_searchentry_vector
    BEFORE INSERT OR UPDATE OF text, source ON surveys_searchentry
    FOR EACH ROW EXECUTE FUNCTION surveys_searchentry_vector();
"""
DROP = """
DROP TRIGGER IF EXISTS surveys_searchentry_vector ON surveys_searchentry;
DROP FUNCTION IF EXISTS surveys_searchentry_vector();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0009_message_resend")]

    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]

"""The name dictionary's trigger names its table with the schema it fires in
(``TG_TABLE_SCHEMA``), not through the search path: on Citus (make citus) the trigger runs
on the worker that holds the business's tables, where the session's search path is not
the business's. Same words, same table on plain PostgreSQL."""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION clients_search_words_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format(
        'INSERT INTO %I.clients_searchword (word) '
        'SELECT DISTINCT w FROM regexp_split_to_table($1, ''\s+'') AS w '
        'WHERE length(w) >= 2 ON CONFLICT DO NOTHING',
        TG_TABLE_SCHEMA
    ) USING NEW.search_first || ' ' || NEW.search_last;
    RETURN NULL;
END $$
"""

PREVIOUS = r"""
CREATE OR REPLACE FUNCTION clients_search_words_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO clients_searchword (word)
    SELECT DISTINCT w FROM regexp_split_to_table(NEW.search_first || ' ' || NEW.search_last, '\s+') AS w
    WHERE length(w) >= 2
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$
"""


class Migration(migrations.Migration):
    dependencies = [("clients", "0006_response_reply_notice")]
    operations = [migrations.RunSQL([FUNCTION], [PREVIOUS])]

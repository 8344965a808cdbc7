"""Keep the name dictionary (clients_searchword) filled by a trigger on clients_client,
so every write (the ORM, bulk loads, COPY) keeps misspelt-name search complete.

One statement a string: Citus (make citus) hands a DDL command's whole query string to
its workers, and a string of several commands fails there ("cannot insert multiple
commands into a prepared statement")."""

from django.db import migrations

TRIGGER = [
    """
CREATE FUNCTION clients_search_words_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO clients_searchword (word)
    SELECT DISTINCT w FROM regexp_split_to_table(NEW.search_first || ' ' || NEW.search_last, '\\s+') AS w
    WHERE length(w) >= 2
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$""",
    """CREATE TRIGGER clients_search_words AFTER INSERT OR UPDATE OF search_first, search_last
    ON clients_client FOR EACH ROW EXECUTE FUNCTION clients_search_words_add()""",
    """INSERT INTO clients_searchword (word)
    SELECT DISTINCT w FROM clients_client,
        regexp_split_to_table(search_first || ' ' || search_last, '\\s+') AS w
    WHERE length(w) >= 2 ON CONFLICT DO NOTHING""",
]

REVERSE = [
    "DROP TRIGGER IF EXISTS clients_search_words ON clients_client",
    "DROP FUNCTION IF EXISTS clients_search_words_add()",
]


class Migration(migrations.Migration):
    dependencies = [("clients", "0002_builtin_metrics")]
    operations = [migrations.RunSQL(TRIGGER, REVERSE)]

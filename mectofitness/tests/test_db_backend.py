"""mectofitness.db: on Citus a new column's CHECK is added as a constraint of its own, named
as PostgreSQL names an unnamed one, so a schema migrated there matches one migrated on a
single PostgreSQL. The name is checked here against PostgreSQL's own."""

import pytest
from django.db import connection, models
from django.test.utils import isolate_apps

from mectofitness.db import base
from mectofitness.db.base import _pg_object_name


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("programs_mealitem", "position"),
        ("a_table_whose_name_is_long_enough_to_be_shortened_by_postgres", "position"),
        ("items", "a_column_whose_name_is_longer_than_the_table_name_by_far_yes_indeed"),
    ],
)
def test_the_check_is_named_as_postgresql_names_it(table, column):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE " + connection.ops.quote_name(table) + " (id int)")
        quoted = connection.ops.quote_name(column)
        cursor.execute(  # as Django writes a positive integer field's column
            f"ALTER TABLE {connection.ops.quote_name(table)} "
            f"ADD COLUMN {quoted} integer CHECK ({quoted} >= 0)"
        )
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE contype = 'c' AND conrelid = %s::regclass",
            [connection.ops.quote_name(table)],
        )
        assert cursor.fetchone()[0] == _pg_object_name(table, column, "check")


# A new column with a default: added bare, filled, then constrained on a small table
# (PostgreSQL's ADD COLUMN … DEFAULT scans the whole catalog); Django's one ALTER on a big
# table. Both end where Django's migration ends: the rows filled, NOT NULL, and a default
# in the database only for a db_default.


def _column(table: str, column: str) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT is_nullable, column_default FROM information_schema.columns"
            " WHERE table_name = %s AND column_name = %s AND table_schema = current_schema()",
            [table, column],
        )
        return cursor.fetchone()


def _values(table: str, column: str) -> list:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" ORDER BY id')
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def three_rows():
    """A model of its own, its table created with three rows (in the test's transaction,
    rolled back with it)."""
    with isolate_apps("mectofitness"):

        class Row(models.Model):
            name = models.CharField(max_length=10)

            class Meta:
                app_label = "mectofitness"
                db_table = "mf_test_fill_rows"

            def __str__(self):
                return self.name

        with connection.schema_editor() as editor:
            editor.create_model(Row)
        Row.objects.bulk_create([Row(name=n) for n in "abc"])
        yield Row


def _add(model, field, name: str) -> list[str]:
    field.set_attributes_from_name(name)
    field.model = model
    with connection.schema_editor() as editor:
        editor.execute = _recording(editor.execute, statements := [])
        editor.add_field(model, field)
    return statements


def _recording(execute, statements: list):
    def recorded(sql, params=()):
        statements.append(str(sql))
        return execute(sql, params)

    return recorded


@pytest.mark.django_db
def test_a_not_null_column_with_a_default_is_filled_then_constrained(three_rows):
    statements = _add(three_rows, models.CharField(max_length=2, default="kg"), "units")

    assert not any("DEFAULT" in s for s in statements if "ADD COLUMN" in s), statements
    assert _values("mf_test_fill_rows", "units") == ["kg", "kg", "kg"]
    assert _column("mf_test_fill_rows", "units") == ("NO", None)


@pytest.mark.django_db
def test_a_blank_char_column_gets_the_empty_string(three_rows):
    _add(three_rows, models.CharField(max_length=2, blank=True), "units")

    assert _values("mf_test_fill_rows", "units") == ["", "", ""]
    assert _column("mf_test_fill_rows", "units") == ("NO", None)


@pytest.mark.django_db
def test_a_database_default_stays_in_the_database(three_rows):
    statements = _add(three_rows, models.IntegerField(db_default=7), "points")

    assert not any("DEFAULT" in s for s in statements if "ADD COLUMN" in s), statements
    assert _values("mf_test_fill_rows", "points") == [7, 7, 7]
    nullable, default = _column("mf_test_fill_rows", "points")
    assert (nullable, default) == ("NO", "7")
    with connection.cursor() as cursor:  # a row written without it gets it
        cursor.execute("INSERT INTO mf_test_fill_rows (name) VALUES ('d') RETURNING points")
        assert cursor.fetchone()[0] == 7


@pytest.mark.django_db
def test_a_big_table_keeps_djangos_single_alter(three_rows, monkeypatch):
    monkeypatch.setattr(base, "FILL_ROWS_MAX", 2)
    statements = _add(three_rows, models.CharField(max_length=2, default="kg"), "units")

    assert any("ADD COLUMN" in s and "DEFAULT" in s for s in statements), statements
    assert not any(s.startswith("UPDATE") for s in statements), statements
    assert _values("mf_test_fill_rows", "units") == ["kg", "kg", "kg"]
    assert _column("mf_test_fill_rows", "units") == ("NO", None)


@pytest.mark.django_db
def test_a_nullable_column_without_a_default_is_one_alter(three_rows):
    statements = _add(three_rows, models.CharField(max_length=2, null=True), "units")

    assert [s.split(" ")[0] for s in statements] == ["ALTER"], statements
    assert _values("mf_test_fill_rows", "units") == [None, None, None]

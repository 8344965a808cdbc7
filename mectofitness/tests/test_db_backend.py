"""mectofitness.db: on Citus a new column's CHECK is added as a constraint of its own, named
as PostgreSQL names an unnamed one, so a schema migrated there matches one migrated on a
single PostgreSQL. The name is checked here against PostgreSQL's own."""

import pytest
from django.db import connection

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

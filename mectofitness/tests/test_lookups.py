"""mectofitness.db.lookups.AnyOf: many ids as one array parameter."""

import pytest
from django.db.models import F

from accounts.models import User
from mectofitness.db.lookups import AnyOf, id_array

pytestmark = pytest.mark.django_db


def test_the_rows_of_the_ids_are_found_whether_given_as_a_list_or_written():
    users = [User.objects.create(email=f"u{i}@any.test") for i in range(4)]
    wanted = [users[0].pk, users[2].pk]
    for ids in (wanted, id_array(wanted), (pk for pk in wanted)):
        assert {u.pk for u in User.objects.filter(AnyOf(F("pk"), ids))} == set(wanted)
    assert not User.objects.filter(AnyOf(F("pk"), [])).exists()


def test_ten_thousand_ids_are_one_parameter():
    rows = User.objects.filter(AnyOf(F("pk"), range(10_000))).values_list("pk")
    sql, params = rows.query.sql_with_params()
    assert "= ANY(%s::bigint[])" in sql and len(params) == 1
    assert len(list(rows)) == User.objects.filter(pk__lt=10_000).count()


def test_only_numbers_are_written():
    with pytest.raises(ValueError):
        id_array(["1); DROP TABLE accounts_user; --"])

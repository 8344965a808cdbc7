"""Against committed data: each sign-up runs on its own connection, as two requests would."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django_tenants.utils import schema_exists

from tenants.models import Business
from tenants.services import business_provision

pytestmark = pytest.mark.citus  # make citus runs it on Citus too


@pytest.mark.usefixtures("committed")
def test_two_concurrent_signups_for_one_slug_give_one_business_and_one_clear_error():
    barrier = threading.Barrier(2)
    outcomes = []

    def sign_up(email):
        try:
            barrier.wait(5)
            business_provision(
                name="Race Gym",
                slug="race",
                owner_email=email,
                owner_password="a-strong-passphrase",
            )
            outcomes.append("created")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.message_dict["slug"]))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign_up, args=(f"{n}@race.test",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(outcomes) == [
        "created",
        "“race” is already taken. Please choose another address.",
    ]
    assert Business.objects.filter(slug="race").count() == 1
    assert schema_exists("b_race")

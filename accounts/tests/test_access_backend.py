"""accounts.backends: a person's role and permissions, read in one query."""

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from accounts.models import User
from accounts.policies import role_of
from accounts.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # no cache of an earlier read


def test_a_coachs_role_and_permissions_are_one_query(business):
    with tenant_context(business):
        coach = fresh(PersonFactory(email="cora@acme.test", role="coach", is_staff=True))
        with CaptureQueriesContext(connection) as queries:
            assert coach.has_perm("clients.view_client")
            assert not coach.has_perm("accounts.delete_user")
            assert role_of(coach) == "coach"
            assert coach.get_group_permissions() >= {"clients.view_client"}
    assert len(queries) == 1


def test_the_role_asked_first_brings_the_permissions_with_it(business):
    with tenant_context(business):
        coach = fresh(PersonFactory(email="cora@acme.test", role="coach", is_staff=True))
        with CaptureQueriesContext(connection) as queries:
            assert role_of(coach) == "coach"
            assert coach.has_perm("clients.view_client")
    assert len(queries) == 1


def test_a_persons_own_permission_counts_beside_their_groups(business):
    with tenant_context(business):
        chloe = PersonFactory(email="chloe@acme.test", role="client", is_staff=False)
        chloe.user_permissions.add(Permission.objects.get(codename="view_tag"))
        chloe = fresh(chloe)
        assert chloe.get_user_permissions() == {"clients.view_tag"}
        assert chloe.has_perm("clients.view_tag")
        assert not chloe.has_perm("clients.view_client")
        assert role_of(chloe) == "client"


def test_an_inactive_person_holds_no_permission(business):
    with tenant_context(business):
        coach = PersonFactory(email="cora@acme.test", role="coach", is_staff=True)
        coach.is_active = False
        coach.save()
        assert not fresh(coach).has_perm("clients.view_client")


def test_a_superuser_holds_every_permission(business):
    with tenant_context(business):
        root = PersonFactory(email="root@acme.test", role="client", is_staff=True)
        root.is_superuser = True
        root.save()
        assert fresh(root).has_perm("accounts.delete_user")


def test_passwords_are_still_checked_and_the_session_names_a_signing_in_backend(business):
    with tenant_context(business):
        PersonFactory(email="cora@acme.test", role="coach", is_staff=True)
        assert authenticate(email="cora@acme.test", password="wrong") is None
        user = authenticate(email="cora@acme.test", password="x")
    assert user is not None
    assert user.backend != "accounts.backends.AccessBackend"

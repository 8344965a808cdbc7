"""Platform staff in the platform admin (the product's own domain): every page of a row
opens without a server error, for a row that exists (its delete page) and for one that
does not, dj-stripe's action pages too, and a former colleague's sign-in can be deleted.

The role matrix crawls these routes as a visitor only (they send everyone else to sign
in); here a superuser walks them. Found by the accessibility sweep: the user delete page
answered 500 ("relation clients_client_coaches does not exist": Django's collector
followed a relation whose table lives only in the business schemas), and so did
dj-stripe's action page for an unknown model (a KeyError)."""

import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction

from .routes import PUBLIC, all_routes, fill, is_format_suffix
from .test_role_matrix import PUBLIC_FILL

pytestmark = pytest.mark.django_db

MODEL = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/")


@pytest.fixture
def staff(public_client):
    User = get_user_model()
    person = User.objects.create_superuser(email="ops@mectofitness.test", password="x-Pass-2026")
    public_client.force_login(person)
    public_client.raise_request_exception = False
    return public_client


def _row_id(route) -> str | None:
    """For a delete page (Django's collector walks the row's relations there), the id
    of a row of the route's model, when it has one."""
    found = MODEL.match(route.route)
    if not found or not route.route.endswith("<path:object_id>/delete/"):
        return None  # a row's other pages: `make a11y` opens them as platform staff
    try:
        model = apps.get_model(found["app"], found["model"])
    except LookupError:
        return None
    pk = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
    return None if pk is None else str(pk)


def _paths() -> list[str]:
    paths = []
    for route in all_routes():
        if route.conf != PUBLIC or not route.route.startswith("admin/"):
            continue
        if is_format_suffix(route) or route.route == "admin/logout/":
            continue
        if not route.params:
            continue  # lists and forms: `make a11y` opens each as platform staff
        values = {p: PUBLIC_FILL[p] for p in route.params}
        paths.append(fill(route, values))  # ids that may not exist, names that do not
        real = _row_id(route)
        if real is not None:
            paths.append(fill(route, values | {"object_id": real}))
        if "action_name" in route.params:  # dj-stripe's own action, on its own model
            model = MODEL.match(route.route)["model"]
            own = values | {"action_name": "_resync_instances", "model_name": model}
            paths.append(fill(route, own))
    return paths


def test_no_page_of_the_platform_admin_answers_a_server_error(staff):
    crashes = []
    for path in _paths():
        with transaction.atomic():  # a failed query must not spoil the pages after it
            answer = staff.get(path)
            transaction.set_rollback(True)
        if answer.status_code >= 500:
            crashes.append(f"{path}: {answer.status_code}")
    assert len(_paths()) > 200
    assert not crashes, "\n".join(crashes)


def test_an_action_page_opens_for_its_own_model_and_action_only(staff):
    page = "/admin/djstripe/customer/action/_resync_instances/customer/"
    assert staff.post(page, {}).status_code == 200  # nothing chosen: asked again
    reload = staff.get(page)
    assert reload.status_code == 302 and reload.url == "/admin/djstripe/customer/"
    for wrong in (
        "/admin/djstripe/customer/action/_resync_instances/charge/",
        "/admin/djstripe/customer/action/dispatch/customer/",
        "/admin/djstripe/customer/action/x/y/",
    ):
        assert staff.get(wrong).status_code == 404, wrong


def test_staff_delete_a_former_colleagues_sign_in(staff):
    User = get_user_model()
    former = User.objects.create_user(email="former@mectofitness.test", is_staff=True)
    page = staff.get(f"/admin/accounts/user/{former.pk}/delete/")
    assert page.status_code == 200
    assert "former@mectofitness.test" in page.content.decode()
    answer = staff.post(f"/admin/accounts/user/{former.pk}/delete/", {"post": "yes"})
    assert answer.status_code == 302
    assert not User.objects.filter(pk=former.pk).exists()

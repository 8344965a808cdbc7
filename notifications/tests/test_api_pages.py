"""The bell's doors: the API and the pages show each person their own notifications,
never another person's or another business's."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client as Browser
from django_tenants.utils import tenant_context

from notifications.models import Kind, Notification, PushSubscription
from notifications.services import notify

from .conftest import NOW, api_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def cleo_note(cleo, cleo_user):
    return notify(
        user=cleo_user, kind=Kind.MESSAGE, title="Kai wrote", url="/messages/7/", key="m7", now=NOW
    )


def _browser(business, user):
    browser = Browser(HTTP_HOST=f"{business.slug}.{settings.BASE_DOMAIN}")
    with tenant_context(business):
        browser.force_login(user)
    return browser


def test_the_api_lists_only_ones_own(business, cleo_note, sam, sam_user, kai):
    notify(user=sam_user, kind=Kind.MESSAGE, title="Lou wrote", now=NOW)

    cleo = api_as(business, cleo_note.user).get("/api/v1/notifications/").json()
    sam_sees = api_as(business, sam_user).get("/api/v1/notifications/").json()

    assert [n["title"] for n in cleo["results"]] == ["Kai wrote"]
    assert [n["title"] for n in sam_sees["results"]] == ["Lou wrote"]
    assert api_as(business, kai).get("/api/v1/notifications/").json()["results"] == []


def test_another_persons_notification_is_not_found(business, cleo_note, sam, sam_user, kai):
    for user in (sam_user, kai):
        api = api_as(business, user)
        assert api.get(f"/api/v1/notifications/{cleo_note.pk}/").status_code == 404
        assert api.post(f"/api/v1/notifications/{cleo_note.pk}/read/").status_code == 404
    cleo_note.refresh_from_db()
    assert cleo_note.read_at is None


def test_reading_through_the_api(business, cleo_note):
    api = api_as(business, cleo_note.user)
    assert api.get("/api/v1/notifications/unread/").json() == {"unread": 1}
    assert api.get("/api/v1/notifications/?unread=1").json()["count"] == 1

    assert api.post(f"/api/v1/notifications/{cleo_note.pk}/read/").json()["is_read"] is True
    assert api.get("/api/v1/notifications/?unread=1").json()["count"] == 0
    assert api.post("/api/v1/notifications/read-all/").json() == {"unread": 0}


def test_preferences_through_the_api(business, cleo, cleo_user):
    api = api_as(business, cleo_user)
    response = api.put(
        "/api/v1/notifications/preferences/",
        {"channels": {"message": {"push": False}}, "quiet_from": "22:00", "quiet_until": "07:00"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["channels"]["message"]["push"] is False
    assert (response.json()["quiet_from"], response.json()["quiet_until"]) == ("22:00", "07:00")


def test_half_quiet_hours_are_refused_and_nothing_saved(business, cleo, cleo_user):
    api = api_as(business, cleo_user)
    response = api.put(
        "/api/v1/notifications/preferences/",
        {"channels": {"message": {"push": False}}, "quiet_from": "22:00"},
        format="json",
    )
    assert response.status_code == 400
    assert "quiet_until" in response.json()
    assert api.get("/api/v1/notifications/preferences/").json()["channels"]["message"]["push"]


def test_an_unknown_kind_is_a_400(business, cleo, cleo_user):
    response = api_as(business, cleo_user).put(
        "/api/v1/notifications/preferences/",
        {"channels": {"gossip": {"push": True}}},
        format="json",
    )
    assert response.status_code == 400


def test_push_subscription_through_the_api(business, cleo, cleo_user):
    api = api_as(business, cleo_user)
    body = {"endpoint": "https://push.example.test/abc", "keys": {"p256dh": "BPk", "auth": "xy"}}
    assert api.post("/api/v1/push-subscriptions/", body, format="json").status_code == 201
    assert PushSubscription.objects.filter(user=cleo_user).count() == 1
    bad = api.post("/api/v1/push-subscriptions/", {"endpoint": "https://x.test/1"}, format="json")
    assert bad.status_code == 400 and "p256dh" in bad.json()
    gone = api.delete("/api/v1/push-subscriptions/", {"endpoint": body["endpoint"]}, format="json")
    assert gone.status_code == 204
    assert not PushSubscription.objects.exists()


def test_another_business_sees_none_of_them(business, other_business, cleo_note):
    with tenant_context(other_business):
        from clients.tests.factories import person_create

        zed = person_create(email="zed@zen.test", role="client", first_name="Zed")
        assert not Notification.objects.exists()
    response = api_as(other_business, zed).get("/api/v1/notifications/")
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert response.json()["results"] == []


# --- pages ------------------------------------------------------------------------------


def test_the_portal_bell_and_page(business, cleo_note):
    browser = _browser(business, cleo_note.user)
    page = browser.get("/notifications/")
    assert page.status_code == 200
    assert "Kai wrote" in page.text
    assert f'href="/notifications/{cleo_note.pk}/"' in page.text


def test_opening_one_reads_it_and_goes_to_its_place(business, cleo_note):
    browser = _browser(business, cleo_note.user)
    response = browser.get(f"/notifications/{cleo_note.pk}/")
    assert response.status_code == 302 and response["Location"] == "/messages/7/"
    cleo_note.refresh_from_db()
    assert cleo_note.read_at is not None


def test_another_client_cannot_open_it(business, cleo_note, sam):
    browser = _browser(business, sam.user)
    assert browser.get(f"/notifications/{cleo_note.pk}/").status_code == 404
    cleo_note.refresh_from_db()
    assert cleo_note.read_at is None


def test_the_portal_preferences_page_saves(business, cleo, cleo_user):
    browser = _browser(business, cleo_user)
    page = browser.get("/notifications/preferences/")
    assert page.status_code == 200
    response = browser.post(
        "/notifications/preferences/",
        {"message__push": "on", "quiet_from": "21:30", "quiet_until": "06:30"},
    )
    assert response.status_code == 302
    with tenant_context(business):
        from notifications.selectors import person_settings_get, preferences_for

        assert preferences_for(user=cleo_user)["message"] == {
            "push": True,
            "email": False,
            "sms": False,
        }
        assert person_settings_get(user=cleo_user).quiet_from == dt.time(21, 30)


def test_the_back_office_bell_and_page(business, kai):
    with tenant_context(business):
        notify(user=kai, kind=Kind.CHECKIN_REVIEW, title="Cleo sent a check-in", now=NOW)
    browser = _browser(business, kai)
    home = browser.get("/admin/")
    assert 'class="mf-bell__count">1' in home.text
    page = browser.get("/admin/me/notifications/")
    assert page.status_code == 200 and "Cleo sent a check-in" in page.text
    assert browser.get("/admin/me/notifications/settings/").status_code == 200

"""The back office's conversations: a read-only list scoped like everything else (a
coach sees their clients' conversations, the owner all), messages read on the page."""

import pytest
from django.conf import settings
from django.test import Client as Browser

from messaging.services import client_thread_get_or_create, message_delete, message_send

from .conftest import NOW, later

pytestmark = pytest.mark.django_db


def _back_office(business, user) -> Browser:
    browser = Browser(HTTP_HOST=f"{business.slug}.{settings.BASE_DOMAIN}")
    browser.force_login(user)
    return browser


def test_a_coach_lists_their_clients_conversations_only(
    tenant, cleo_thread, kai, cleo_user, sam, lou, owner_user
):
    sams = client_thread_get_or_create(client=sam, by=lou)
    message_send(thread=cleo_thread, body="Quick question", by=cleo_user, now=NOW)

    page = _back_office(tenant, kai).get("/admin/messaging/thread/")
    assert page.status_code == 200
    assert "Cleo Martin" in page.text and "Sam Stone" not in page.text
    everything = _back_office(tenant, owner_user).get("/admin/messaging/thread/")
    assert "Cleo Martin" in everything.text and "Sam Stone" in everything.text
    hidden = _back_office(tenant, kai).get(f"/admin/messaging/thread/{sams.pk}/change/")
    assert hidden.status_code == 302  # "does not exist", like any other client's object


def test_a_conversation_page_shows_its_messages_and_offers_no_changes(
    tenant, cleo_thread, kai, cleo_user
):
    message_send(thread=cleo_thread, body="Knee feels better 👍", by=cleo_user, now=NOW)
    gone = message_send(thread=cleo_thread, body="Wrong chat", by=kai, now=NOW)
    message_delete(message=gone, by=kai, now=later(1))

    page = _back_office(tenant, kai).get(f"/admin/messaging/thread/{cleo_thread.pk}/change/")
    assert page.status_code == 200
    assert "Knee feels better 👍" in page.text
    assert "Message deleted" in page.text and "Wrong chat" not in page.text
    assert 'name="_save"' not in page.text
    assert _back_office(tenant, kai).get("/admin/messaging/thread/add/").status_code == 403

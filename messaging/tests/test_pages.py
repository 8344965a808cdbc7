"""The messaging pages: a client writes to their coach from the portal and a coach
answers from the back office's inbox, both with plain forms (no JavaScript); each sees
only their own conversations (404 otherwise); opening one clears its unread badge; the
page's poll (the API's ``?after=``) brings only newer messages."""

import pytest
from django.conf import settings
from django.test import Client as Browser

from messaging.models import Message
from messaging.services import message_send

from .conftest import NOW, api_as, later

pytestmark = pytest.mark.django_db


def _as(business, user) -> Browser:
    browser = Browser(HTTP_HOST=f"{business.slug}.{settings.BASE_DOMAIN}")
    browser.force_login(user)
    return browser


def test_a_client_writes_to_their_coach_from_the_portal_without_javascript(
    frozen, tenant, cleo, cleo_user, kai
):
    cleo.timezone = "Europe/Paris"
    cleo.save(update_fields=["timezone"])
    portal = _as(tenant, cleo_user)

    listed = portal.get("/messages/")
    assert listed.status_code == 200 and "Message your coach" in listed.text
    started = portal.post("/messages/")
    thread_url = started["Location"]
    sent = portal.post(thread_url, {"body": "Can we move Friday? <b>please</b>"})
    assert sent.status_code == 302 and sent["Location"] == thread_url

    page = portal.get(thread_url)
    assert page.status_code == 200
    assert "Can we move Friday? &lt;b&gt;please&lt;/b&gt;" in page.text  # escaped
    assert "<b>please</b>" not in page.text
    assert "1 Jun, 11:00" in page.text  # 09:00 UTC on Cleo's Paris clock
    assert 'aria-live="polite"' in page.text
    assert '<label for="id_body">' in page.text and ">Send</button>" in page.text
    (message,) = Message.objects.all()
    assert (message.author, message.thread.client) == (cleo_user, cleo)


def test_a_coach_answers_from_the_back_office_and_the_client_reads_it(
    frozen, tenant, cleo_thread, cleo_user, kai, sam, lou
):
    message_send(thread=cleo_thread, body="Knee hurts after squats", by=cleo_user, now=NOW)
    back_office = _as(tenant, kai)

    inbox = back_office.get("/admin/messaging/inbox/")
    assert inbox.status_code == 200
    assert "Cleo Martin" in inbox.text and "Knee hurts after squats" in inbox.text
    assert "1 unread" in inbox.text
    url = f"/admin/messaging/inbox/{cleo_thread.pk}/"
    answered = back_office.post(url, {"body": "Skip them this week: see https://example.com/knee"})
    assert answered.status_code == 302 and answered["Location"] == url
    assert "1 unread" not in back_office.get("/admin/messaging/inbox/").text

    page = _as(tenant, cleo_user).get(f"/messages/{cleo_thread.pk}/")
    assert "Skip them this week" in page.text
    assert '<a href="https://example.com/knee" rel="nofollow">' in page.text  # urlize
    assert "Kai" in page.text


def test_another_client_is_told_the_conversation_does_not_exist(tenant, cleo_thread, sam, sam_user):
    portal = _as(tenant, sam_user)
    assert portal.get(f"/messages/{cleo_thread.pk}/").status_code == 404
    assert portal.post(f"/messages/{cleo_thread.pk}/", {"body": "Hi"}).status_code == 404
    assert not Message.objects.exists()


def test_a_coach_who_does_not_coach_the_client_is_told_it_does_not_exist(
    tenant, cleo_thread, cleo_user, lou
):
    message_send(thread=cleo_thread, body="Private", by=cleo_user, now=NOW)
    back_office = _as(tenant, lou)
    assert back_office.get(f"/admin/messaging/inbox/{cleo_thread.pk}/").status_code == 404
    assert (
        back_office.post(f"/admin/messaging/inbox/{cleo_thread.pk}/", {"body": "x"}).status_code
        == 404
    )
    assert "Private" not in back_office.get("/admin/messaging/inbox/").text


@pytest.mark.parametrize("where", ["portal", "back office"])
def test_an_empty_message_is_refused_with_a_form_error(
    frozen, tenant, cleo_thread, cleo_user, kai, where
):
    if where == "portal":
        browser, url = _as(tenant, cleo_user), f"/messages/{cleo_thread.pk}/"
    else:
        browser, url = _as(tenant, kai), f"/admin/messaging/inbox/{cleo_thread.pk}/"
    refused = browser.post(url, {"body": "   \n "})
    assert refused.status_code == 400
    assert "Write a message." in refused.text
    assert not Message.objects.exists()


def test_opening_the_conversation_clears_the_unread_badge(
    frozen, tenant, cleo_thread, cleo_user, kai
):
    message_send(thread=cleo_thread, body="Your plan is ready", by=kai, now=NOW)
    message_send(thread=cleo_thread, body="Have a look", by=kai, now=later(1))
    portal = _as(tenant, cleo_user)

    before = portal.get("/")
    assert 'data-unread="2"' in before.text and "2 new messages" in before.text
    listed = portal.get("/messages/")
    assert "2 new" in listed.text
    portal.get(f"/messages/{cleo_thread.pk}/")
    after = portal.get("/messages/")
    assert "new messages" not in after.text and "2 new" not in after.text


def test_the_poll_brings_only_newer_messages(frozen, tenant, cleo_thread, cleo_user, kai):
    first = message_send(thread=cleo_thread, body="One", by=kai, now=NOW)
    second = message_send(thread=cleo_thread, body="Two", by=kai, now=later(1))
    third = message_send(thread=cleo_thread, body="Three", by=cleo_user, now=later(2))
    api = api_as(tenant, cleo_user)
    url = f"/api/v1/threads/{cleo_thread.pk}/messages/"

    newer = api.get(url, {"after": first.pk}).json()
    assert [m["id"] for m in newer["results"]] == [second.pk, third.pk]
    assert newer["has_more"] is False
    assert api.get(url, {"after": third.pk}).json()["results"] == []
    one = api.get(url, {"after": first.pk, "limit": 1}).json()
    assert ([m["text"] for m in one["results"]], one["has_more"]) == (["Two"], True)
    assert api.get(url, {"after": "x"}).status_code == 400


def test_show_earlier_pages_back_through_a_long_conversation(
    frozen, settings, tenant, cleo_thread, cleo_user, kai
):
    settings.MESSAGE_RATE_LIMIT_PER_MINUTE = 100
    sent = [
        message_send(thread=cleo_thread, body=f"Message {n}", by=kai, now=later(n))
        for n in range(52)
    ]
    portal = _as(tenant, cleo_user)
    latest = portal.get(f"/messages/{cleo_thread.pk}/")
    assert "Message 51" in latest.text and "Message 1<" not in latest.text
    assert f'href="?before={sent[2].pk}"' in latest.text
    earlier = portal.get(f"/messages/{cleo_thread.pk}/", {"before": sent[2].pk})
    assert "Message 0<" in earlier.text and "Message 1<" in earlier.text
    assert "Message 2<" not in earlier.text

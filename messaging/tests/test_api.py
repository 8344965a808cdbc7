"""The messaging API: each person sees and writes only their own conversations (404
otherwise), pages through messages, marks them read, edits and deletes their own within
15 minutes; bad input is a 400 with the field, sending too fast a 429."""

import pytest
from django.conf import settings
from django.test import Client as Browser
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import User
from clients.tests.factories import ClientFactory
from messaging.models import Message, Thread
from messaging.services import client_thread_get_or_create, message_send

from .conftest import NOW, api_as, later

pytestmark = pytest.mark.django_db


def test_a_client_lists_only_their_own_conversation(
    frozen, tenant, cleo_thread, kai, cleo_user, sam, lou
):
    client_thread_get_or_create(client=sam, by=lou)
    message_send(thread=cleo_thread, body="Your plan is ready", by=kai, now=NOW)

    listed = api_as(tenant, cleo_user).get("/api/v1/threads/")
    assert listed.status_code == 200
    (only,) = listed.json()["results"]
    assert (only["id"], only["kind"], only["title"], only["unread"]) == (
        cleo_thread.pk,
        "client",
        "Your coaches",
        1,
    )
    assert only["last_message"]["text"] == "Your plan is ready"
    assert only["last_message"]["author"] == {"id": kai.pk, "name": "Kai", "is_staff": True}
    unread = api_as(tenant, cleo_user).get("/api/v1/threads/unread/").json()
    assert unread == {"total": 1, "threads": {str(cleo_thread.pk): 1}}


@pytest.mark.parametrize(("who", "status"), [("owner_user", 200), ("kai", 200), ("cleo_user", 200)])
def test_the_conversation_opens_for_its_people_and_the_owner(
    request, tenant, cleo_thread, who, status
):
    person = request.getfixturevalue(who)
    for path in (
        f"/api/v1/threads/{cleo_thread.pk}/",
        f"/api/v1/threads/{cleo_thread.pk}/messages/",
    ):
        assert api_as(tenant, person).get(path).status_code == status


@pytest.mark.parametrize("who", ["lou", "sam_user"])
def test_another_coach_and_another_client_are_told_it_does_not_exist(
    request, tenant, cleo_thread, kai, who
):
    message = message_send(thread=cleo_thread, body="Private", by=kai, now=NOW)
    api = api_as(tenant, request.getfixturevalue(who))
    if who == "sam_user":
        request.getfixturevalue("sam")  # Sam is a client with a record
    for method, path, body in [
        ("get", f"/api/v1/threads/{cleo_thread.pk}/", None),
        ("get", f"/api/v1/threads/{cleo_thread.pk}/messages/", None),
        ("post", f"/api/v1/threads/{cleo_thread.pk}/messages/", {"body": "Hi"}),
        ("post", f"/api/v1/threads/{cleo_thread.pk}/read/", {}),
        ("get", f"/api/v1/messages/{message.pk}/", None),
        ("patch", f"/api/v1/messages/{message.pk}/", {"body": "Mine now"}),
        ("delete", f"/api/v1/messages/{message.pk}/", None),
    ]:
        answer = getattr(api, method)(path, body, format="json")
        assert answer.status_code == 404, (method, path, answer.content)
    assert Message.objects.get(pk=message.pk).body == "Private"


def test_a_thread_of_another_business_is_not_found(tenant, owner_user, other_business):
    with tenant_context(other_business):
        zen_user = User.objects.get(email="owner@zen.test")
        zen_client = ClientFactory(first_name="Zed")
        zens = client_thread_get_or_create(client=zen_client, by=zen_user)
        message_send(thread=zens, body="Zen secret", by=zen_user, now=NOW)
    assert not Thread.objects.exists()  # acme has none: the same id is not acme's

    answer = api_as(tenant, owner_user).get(f"/api/v1/threads/{zens.pk}/messages/")
    assert answer.status_code == 404
    assert b"Zen secret" not in answer.content

    # zen's owner's session, sent to acme's address, is nobody here
    browser = Browser(HTTP_HOST=f"{other_business.slug}.{settings.BASE_DOMAIN}")
    with tenant_context(other_business):
        browser.force_login(zen_user)
    probe = Browser(HTTP_HOST=f"{tenant.slug}.{settings.BASE_DOMAIN}")
    probe.cookies = browser.cookies
    assert probe.get(f"/api/v1/threads/{zens.pk}/").status_code == 401


def test_a_client_sends_pages_back_and_marks_read(frozen, tenant, cleo_thread, kai, cleo_user):
    api = api_as(tenant, cleo_user)
    sent = []
    for text in ["One", "Two", "Three"]:
        answer = api.post(
            f"/api/v1/threads/{cleo_thread.pk}/messages/", {"body": text}, format="json"
        )
        assert answer.status_code == 201, answer.json()
        sent.append(answer.json()["id"])
    first = Message.objects.get(pk=sent[0])
    reply = message_send(thread=cleo_thread, body="Got them", by=kai, reply_to=first, now=later(1))

    newest = api.get(f"/api/v1/threads/{cleo_thread.pk}/messages/?limit=2").json()
    assert [m["text"] for m in newest["results"]] == ["Three", "Got them"]
    assert newest["has_more"] is True
    assert newest["results"][1]["reply_to"] == {
        "id": sent[0],
        "author": "Cleo",
        "text": "One",
        "is_deleted": False,
    }
    older = api.get(f"/api/v1/threads/{cleo_thread.pk}/messages/?before={sent[2]}").json()
    assert [m["text"] for m in older["results"]] == ["One", "Two"]
    assert older["has_more"] is False

    read = api.post(f"/api/v1/threads/{cleo_thread.pk}/read/", {}, format="json")
    assert read.json() == {
        "last_read_message": reply.pk,
        "last_read_at": "2026-06-01T09:00:00Z",
        "unread_total": 0,
    }
    receipts = api_as(tenant, kai).get(f"/api/v1/threads/{cleo_thread.pk}/messages/").json()
    assert {r["person"]["id"]: r["last_read_message"] for r in receipts["read_by"]} == {
        kai.pk: reply.pk,
        cleo_user.pk: reply.pk,
    }


def test_a_client_opens_their_own_conversation(frozen, tenant, cleo, kai, cleo_user):
    api = api_as(tenant, cleo_user)
    started = api.post("/api/v1/threads/", {"kind": "client"}, format="json")
    assert started.status_code == 201, started.json()
    assert [p["name"] for p in started.json()["people"] if p["is_staff"]] == ["Kai"]
    again = api.post("/api/v1/threads/", {"kind": "client"}, format="json")
    assert (again.status_code, again.json()["id"]) == (200, started.json()["id"])


def test_staff_start_a_group_and_a_client_cannot(frozen, tenant, kai, cleo, dana, cleo_user):
    made = api_as(tenant, kai).post(
        "/api/v1/threads/",
        {"title": "10k crew", "clients": [cleo.pk, dana.pk]},
        format="json",
    )
    assert made.status_code == 201, made.json()
    assert (made.json()["kind"], made.json()["title"]) == ("group", "10k crew")
    # Dana has no login: she is in it by name
    assert {p["name"] for p in made.json()["people"]} == {"Kai", "Cleo", "Dana Diaz"}

    refused = api_as(tenant, cleo_user).post(
        "/api/v1/threads/", {"title": "Mine", "clients": [cleo.pk]}, format="json"
    )
    assert refused.status_code in (400, 403)
    assert not Thread.objects.filter(title="Mine").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "Crew", "clients": ["sam"]}, "clients"),  # someone else's client
        ({"title": "", "clients": ["cleo", "dana"]}, "title"),
        ({"title": "Crew", "clients": ["cleo"]}, "clients"),
        ({"title": "Crew", "clients": "cleo"}, "clients"),
        ({"kind": "dm"}, "kind"),
        ({"kind": "client", "client": "sam"}, "client"),
    ],
)
def test_a_bad_group_is_a_400_with_the_field(request, tenant, kai, cleo, dana, sam, body, field):
    names = {"cleo": cleo.pk, "dana": dana.pk, "sam": sam.pk}
    fixed = {
        k: ([names.get(x, x) for x in v] if isinstance(v, list) else names.get(v, v))
        for k, v in body.items()
    }
    answer = api_as(tenant, kai).post("/api/v1/threads/", fixed, format="json")
    assert answer.status_code == 400, answer.json()
    assert field in answer.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body"),
        ({"body": ""}, "body"),
        ({"body": "   "}, "body"),
        ({"body": "x" * 5001}, "body"),
        ({"body": "nul\x00"}, "body"),
        ({"body": "Hi", "reply_to": "first"}, "reply_to"),
        ({"body": "Hi", "reply_to": 999999999}, "reply_to"),
    ],
)
def test_a_bad_message_is_a_400_with_the_field(tenant, cleo_thread, kai, body, field):
    answer = api_as(tenant, kai).post(
        f"/api/v1/threads/{cleo_thread.pk}/messages/", body, format="json"
    )
    assert answer.status_code == 400, answer.content
    assert field in answer.json()
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("before=abc", "before"),
        ("before=0", "before"),
        ("limit=0", "limit"),
        ("limit=500", "limit"),
    ],
)
def test_bad_paging_is_a_400_with_the_field(tenant, cleo_thread, kai, query, field):
    answer = api_as(tenant, kai).get(f"/api/v1/threads/{cleo_thread.pk}/messages/?{query}")
    assert answer.status_code == 400 and field in answer.json()


def test_marking_read_up_to_another_conversations_message_is_a_400(tenant, cleo_thread, kai, dana):
    danas = client_thread_get_or_create(client=dana, by=kai)
    other = message_send(thread=danas, body="Hi Dana", by=kai, now=NOW)
    answer = api_as(tenant, kai).post(
        f"/api/v1/threads/{cleo_thread.pk}/read/", {"up_to": other.pk}, format="json"
    )
    assert answer.status_code == 400 and "up_to" in answer.json()


def test_the_author_edits_and_deletes_within_fifteen_minutes(
    monkeypatch, tenant, cleo_thread, kai, cleo_user
):
    mine = message_send(thread=cleo_thread, body="See you at 6", by=cleo_user, now=NOW)
    late = message_send(thread=cleo_thread, body="Late one", by=cleo_user, now=NOW)
    api = api_as(tenant, cleo_user)

    monkeypatch.setattr(timezone, "now", lambda: later(5))
    edited = api.patch(f"/api/v1/messages/{mine.pk}/", {"body": "See you at 7"}, format="json")
    assert edited.status_code == 200, edited.json()
    assert (edited.json()["body"], edited.json()["can_change"]) == ("See you at 7", True)
    assert edited.json()["edited_at"] == "2026-06-01T09:05:00Z"
    not_hers = api_as(tenant, kai).patch(
        f"/api/v1/messages/{mine.pk}/", {"body": "No"}, format="json"
    )
    assert not_hers.status_code == 403
    empty = api.patch(f"/api/v1/messages/{mine.pk}/", {"body": ""}, format="json")
    assert empty.status_code == 400 and "body" in empty.json()

    assert api.delete(f"/api/v1/messages/{mine.pk}/").status_code == 204
    gone = api.get(f"/api/v1/messages/{mine.pk}/").json()
    assert (gone["body"], gone["text"], gone["is_deleted"]) == ("", "Message deleted", True)

    monkeypatch.setattr(timezone, "now", lambda: later(16))
    too_late = api.patch(f"/api/v1/messages/{late.pk}/", {"body": "Changed"}, format="json")
    assert too_late.status_code == 400 and "15 minutes" in too_late.json()["body"][0]
    too_late = api.delete(f"/api/v1/messages/{late.pk}/")
    assert too_late.status_code == 400 and "15 minutes" in too_late.json()["non_field_errors"][0]
    assert api.get(f"/api/v1/messages/{late.pk}/").json()["can_change"] is False
    assert api.put(f"/api/v1/messages/{late.pk}/", {"body": "x"}, format="json").status_code == 405


def test_sending_too_fast_is_a_429(settings, tenant, cleo_thread, kai):
    settings.MESSAGE_RATE_LIMIT_PER_MINUTE = 2
    api = api_as(tenant, kai)
    path = f"/api/v1/threads/{cleo_thread.pk}/messages/"
    assert [api.post(path, {"body": "Hi"}, format="json").status_code for _ in range(3)] == [
        201,
        201,
        429,
    ]
    assert Message.objects.count() == 2


def test_the_thread_list_runs_constant_queries(tenant, kai, owner_user, django_assert_num_queries):
    def add_threads(n):
        for _ in range(n):
            thread = client_thread_get_or_create(
                client=ClientFactory(primary_coach=kai), by=owner_user
            )
            message_send(thread=thread, body="Hello", by=owner_user, now=NOW)
            message_send(thread=thread, body="How are you?", by=owner_user, now=later(1))

    api = api_as(tenant, kai)
    add_threads(2)
    api.get("/api/v1/threads/")  # the route to the business is cached from here on
    # the threads with their unread counts, their count for the page, their last messages
    with django_assert_num_queries(3) as two:
        small = api.get("/api/v1/threads/")
    add_threads(8)
    with django_assert_num_queries(len(two.captured_queries)):
        large = api.get("/api/v1/threads/")
    assert (small.json()["count"], large.json()["count"]) == (2, 10)
    assert all(t["unread"] == 2 for t in large.json()["results"])

"""Announcements: a coach (or the owner) writes once to a segment of their clients (by
tag, status, program, class); each client gets it once in their conversation, marked as
an announcement, and a notification whose e-mail follows their preference; a scheduled
one goes out when due, once, however often the send runs. The clock is passed in."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client as Browser

from clients.models import Client, Tag
from clients.tests.factories import ClientFactory
from messaging import announcements
from messaging.announcements import (
    announcement_audience,
    announcement_cancel,
    announcement_create,
    announcement_email_send,
    announcement_send,
    announcements_due_send,
)
from messaging.models import Announcement, AnnouncementRecipient, Message, Thread
from messaging.selectors import unread_counts
from messaging.services import client_thread_get_or_create, message_send
from notifications.models import Kind, Notification
from notifications.services import preferences_save
from programs.models import Program, ProgramAssignment
from scheduling.models import SessionType
from scheduling.services.booking import class_join, class_schedule

from .conftest import NOW, api_as, later

pytestmark = pytest.mark.django_db


def _audience(by, segment) -> set[str]:
    return {c.first_name for c in announcement_audience(by=by, segment=segment, now=NOW)}


# --- whom -----------------------------------------------------------------------------------


def test_a_coach_reaches_only_their_own_active_clients(kai, owner_user, cleo, dana, sam):
    lead = ClientFactory(first_name="Lea", primary_coach=kai, status=Client.Status.LEAD)
    ClientFactory(first_name="Arch", primary_coach=kai, status=Client.Status.ARCHIVED)
    assert _audience(kai, {}) == {"Cleo", "Dana"}
    assert _audience(owner_user, {}) == {"Cleo", "Dana", "Sam"}
    assert _audience(kai, {"statuses": ["lead"]}) == {lead.first_name}
    # naming another coach's client's tag reaches nobody of theirs
    tag = Tag.objects.create(name="Marathon")
    sam.tags.add(tag)
    assert _audience(kai, {"tags": [tag.pk]}) == set()
    assert _audience(owner_user, {"tags": [tag.pk]}) == {"Sam"}


def test_segments_by_tag_program_and_class_all_must_hold(kai, cleo, dana):
    tag = Tag.objects.create(name="10k")
    cleo.tags.add(tag)
    template = Program.objects.create(name="Base building", is_template=True)
    copy = Program.objects.create(
        name="Base building", is_template=False, client=dana, source=template
    )
    ProgramAssignment.objects.create(client=dana, program=copy, start_date=NOW.date(), weekdays=[0])
    hiit = SessionType.objects.create(name="Saturday HIIT", payment="free", capacity=8)
    hiit.coaches.add(kai)
    session = class_schedule(
        session_type=hiit, coach=kai, starts_at=NOW + dt.timedelta(days=2), by=kai
    )
    class_join(appointment=session, client=cleo, by=kai, now=NOW)

    assert _audience(kai, {"tags": [tag.pk]}) == {"Cleo"}
    assert _audience(kai, {"program": template.pk}) == {"Dana"}  # their copy of it
    assert _audience(kai, {"session_type": hiit.pk}) == {"Cleo"}
    assert _audience(kai, {"tags": [tag.pk], "program": template.pk}) == set()


def test_a_bad_segment_or_text_is_refused_by_field_and_nothing_is_made(kai, cleo, sam, cleo_user):
    for kwargs, field in [
        ({"body": " "}, "body"),
        ({"body": "Hi", "segment": {"tags": [999999]}}, "tags"),
        ({"body": "Hi", "segment": {"statuses": ["archived"]}}, "statuses"),
        ({"body": "Hi", "segment": {"statuses": ["lead"]}}, "segment"),  # nobody matches
        ({"body": "Hi", "send_at": NOW - dt.timedelta(hours=1)}, "send_at"),
        ({"body": "Hi", "send_at": NOW + dt.timedelta(days=91)}, "send_at"),
    ]:
        with pytest.raises(ValidationError) as refused:
            announcement_create(by=kai, now=NOW, **kwargs)
        assert field in refused.value.message_dict, kwargs
    with pytest.raises(PermissionDenied):
        announcement_create(by=cleo_user, body="Hi all", now=NOW)
    assert not Announcement.objects.exists()


def test_an_announcement_reaches_at_most_the_cap(kai, cleo, dana, monkeypatch):
    monkeypatch.setattr(announcements, "MAX_RECIPIENTS", 1)
    with pytest.raises(ValidationError) as refused:
        announcement_create(by=kai, body="Hi all", now=NOW)
    assert "at most 1" in refused.value.message_dict["segment"][0]


# --- sending --------------------------------------------------------------------------------


def test_each_client_gets_it_once_in_their_conversation_even_when_sent_twice(
    kai, cleo, cleo_user, dana
):
    thread = client_thread_get_or_create(client=cleo, by=kai, now=NOW)
    message_send(thread=thread, body="Is Monday on?", by=cleo_user, now=NOW)
    announcement = announcement_create(by=kai, body="Studio closed Monday.", now=later(1))

    assert announcement_send(announcement_id=announcement.pk, now=later(1)) == 2
    assert announcement_send(announcement_id=announcement.pk, now=later(2)) == 0
    assert announcements_due_send(now=later(3)) == 0

    sent = Message.objects.filter(announcement=announcement)
    assert sorted(m.thread.client.first_name for m in sent) == ["Cleo", "Dana"]
    assert {(m.author_id, m.body) for m in sent} == {(kai.pk, "Studio closed Monday.")}
    assert AnnouncementRecipient.objects.filter(delivered_at__isnull=False).count() == 2
    announcement.refresh_from_db()
    assert (announcement.status, announcement.sent_at, announcement.recipient_count) == (
        "sent",
        later(1),
        2,
    )
    # Cleo's login is told once; Dana has none; Cleo's question is still unread to Kai
    told = Notification.objects.filter(kind=Kind.ANNOUNCEMENT)
    assert list(told.values_list("user_id", "url")) == [(cleo_user.pk, f"/messages/{thread.pk}/")]
    assert unread_counts(user=kai).by_thread == {thread.pk: 1}
    assert unread_counts(user=cleo_user).by_thread == {thread.pk: 1}


def test_an_announcement_only_notifies_and_writes_no_message(kai, cleo, cleo_user, dana):
    announcement = announcement_create(by=kai, body="New class times", delivery="notice", now=NOW)
    assert announcement_send(announcement_id=announcement.pk, now=NOW) == 2
    assert not Message.objects.exists() and not Thread.objects.exists()
    assert Notification.objects.get().body == "New class times"


def test_a_scheduled_announcement_goes_out_when_due_and_only_once(kai, cleo, dana):
    announcement = announcement_create(
        by=kai, body="Race day tomorrow!", send_at=NOW + dt.timedelta(hours=2), now=NOW
    )
    assert announcement.status == "scheduled"
    assert announcement_send(announcement_id=announcement.pk, now=NOW) == 0  # early countdown
    assert announcements_due_send(now=NOW + dt.timedelta(hours=1)) == 0
    # whoever matches when it goes out: Dana is paused by then
    Client.objects.filter(pk=dana.pk).update(status=Client.Status.PAUSED)
    due = NOW + dt.timedelta(hours=2)
    assert announcements_due_send(now=due) == 1
    assert announcements_due_send(now=due) == 0  # beat's sweep and the countdown both ran
    assert announcement_send(announcement_id=announcement.pk, now=due) == 0
    assert Message.objects.filter(announcement=announcement).count() == 1


def test_a_cancelled_announcement_never_goes_out(kai, lou, cleo, owner_user):
    announcement = announcement_create(
        by=kai, body="Later", send_at=NOW + dt.timedelta(hours=2), now=NOW
    )
    with pytest.raises(PermissionDenied):
        announcement_cancel(announcement=announcement, by=lou)
    announcement_cancel(announcement=announcement, by=owner_user)
    assert announcements_due_send(now=NOW + dt.timedelta(days=1)) == 0
    assert not Message.objects.exists()


def test_the_announcement_email_follows_the_clients_preference(tenant, kai, cleo, cleo_user):
    mail.outbox = []
    announcement = announcement_create(by=kai, body="Studio closed Monday.", now=NOW)
    announcement_send(announcement_id=announcement.pk, now=NOW)
    notification = Notification.objects.get(user=cleo_user)

    preferences_save(user=cleo_user, choices={Kind.ANNOUNCEMENT: {"email": False}})
    assert announcement_email_send(notification_id=notification.pk, now=NOW) is False
    assert mail.outbox == []
    # settled as not wanted: turning it back on later does not send the old one
    preferences_save(user=cleo_user, choices={Kind.ANNOUNCEMENT: {"email": True}})
    assert announcement_email_send(notification_id=notification.pk, now=NOW) is False
    assert mail.outbox == []


def test_the_announcement_email_goes_out_once_to_a_client_who_wants_it(
    tenant, kai, cleo, cleo_user
):
    mail.outbox = []
    announcement = announcement_create(by=kai, body="Studio closed Monday.", now=NOW)
    announcement_send(announcement_id=announcement.pk, now=NOW)
    notification = Notification.objects.get(user=cleo_user)
    assert announcement_email_send(notification_id=notification.pk, now=NOW) is True
    assert announcement_email_send(notification_id=notification.pk, now=NOW) is False
    [sent] = mail.outbox
    assert sent.to == ["cleo@acme.test"]
    assert "Studio closed Monday." in sent.body
    assert tenant.name in sent.body + sent.subject + str(sent.from_email)


# --- doors ----------------------------------------------------------------------------------


def test_the_api_counts_sends_and_keeps_coaches_to_their_own(
    frozen, tenant, kai, lou, cleo, cleo_user, dana, sam
):
    api = api_as(tenant, kai)
    assert api.get("/api/v1/announcements/audience/").json() == {"count": 2}
    assert api.get("/api/v1/announcements/audience/?statuses=lead").json() == {"count": 0}
    assert api.get("/api/v1/announcements/audience/?program=abc").status_code == 400

    made = api.post("/api/v1/announcements/", {"body": "Hi team"}, format="json")
    assert made.status_code == 201, made.content
    assert (made.json()["recipient_count"], made.json()["status"]) == (2, "scheduled")
    refused = api.post(
        "/api/v1/announcements/", {"body": "Hi", "segment": {"statuses": ["lead"]}}, format="json"
    )
    assert refused.status_code == 400 and "segment" in refused.json()

    mine = made.json()["id"]
    assert api.get(f"/api/v1/announcements/{mine}/").status_code == 200
    assert api_as(tenant, lou).get(f"/api/v1/announcements/{mine}/").status_code == 404
    assert api_as(tenant, lou).get("/api/v1/announcements/audience/").json() == {"count": 1}
    assert api_as(tenant, cleo_user).get("/api/v1/announcements/").status_code == 403
    assert (
        api_as(tenant, cleo_user)
        .post("/api/v1/announcements/", {"body": "Hi"}, format="json")
        .status_code
        == 403
    )


def test_the_back_office_page_shows_the_count_and_sends(tenant, kai, cleo, dana):
    browser = Browser(HTTP_HOST=f"{tenant.slug}.{settings.BASE_DOMAIN}")
    browser.force_login(kai)
    page = browser.get("/admin/messaging/announcements/new/")
    assert page.status_code == 200
    assert "2 clients will get this." in page.text
    refused = browser.post(
        "/admin/messaging/announcements/new/", {"body": "", "delivery": "thread"}
    )
    assert refused.status_code == 400
    sent = browser.post(
        "/admin/messaging/announcements/new/",
        {"body": "Studio closed Monday.", "delivery": "thread", "statuses": ["active"]},
    )
    assert sent.status_code == 302
    assert sent["Location"] == "/admin/messaging/announcement/"
    listed = browser.get(sent["Location"])
    assert "Studio closed Monday." in listed.text


def test_the_demo_announces_to_the_coachs_clients_quietly(tenant, kai, cleo, dana):
    from messaging.demo import messaging_demo_seed

    mail.outbox = []
    messaging_demo_seed(coach=kai, chloe=cleo)
    announcement = Announcement.objects.get()
    assert (announcement.status, announcement.recipient_count) == ("sent", 2)
    assert Message.objects.filter(announcement=announcement).count() == 2
    assert not Notification.objects.filter(kind=Kind.ANNOUNCEMENT).exists()
    assert unread_counts(user=kai).total == 1  # Chloe's question, still unread
    assert mail.outbox == []


def test_the_announcement_list_runs_constant_queries(
    settings, tenant, kai, cleo, dana, django_assert_num_queries
):
    settings.ROUTING_CACHE_TTL = 600  # a slow machine: the business's route stays cached
    api = api_as(tenant, kai)
    announcement_create(by=kai, body="One")
    for _ in range(2):  # the route to the business is cached from here on
        api.get("/api/v1/announcements/")
    with django_assert_num_queries(2) as few:  # the count, the page with its senders
        small = api.get("/api/v1/announcements/")
    for n in range(5):
        announcement_create(by=kai, body=f"More {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        large = api.get("/api/v1/announcements/")
    assert (small.json()["count"], large.json()["count"]) == (1, 6)

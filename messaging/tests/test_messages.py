"""Messages: text as typed, replies, edits and deletes within 15 minutes by the author
only, unread counts and read receipts, and the per-person sending limit. The clock is
passed in (``now``)."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.policies import role_of
from clients.tests.factories import ClientFactory, person_create
from messaging.demo import messaging_demo_seed
from messaging.models import Message, Thread
from messaging.selectors import (
    messages_for,
    read_states_for,
    thread_list_for,
    unread_counts,
)
from messaging.services import (
    SendingTooFast,
    client_thread_get_or_create,
    group_thread_create,
    message_delete,
    message_edit,
    message_send,
    thread_mark_read,
)

from .conftest import NOW, later

pytestmark = pytest.mark.django_db


def test_text_is_kept_as_typed_with_links_and_emoji(cleo_thread, kai):
    typed = "  Form check: https://example.com/squat?a=1&b=<2> 💪🏽\r\nThen rest.\n  "
    message = message_send(thread=cleo_thread, body=typed, by=kai, now=NOW)
    message.refresh_from_db()
    assert message.body == "Form check: https://example.com/squat?a=1&b=<2> 💪🏽\nThen rest."
    assert Thread.objects.get(pk=cleo_thread.pk).last_message_at == NOW


@pytest.mark.parametrize("body", ["", "   \n ", "x" * 5001, "null \x00 byte"])
def test_an_empty_too_long_or_unstorable_message_is_refused(cleo_thread, kai, body):
    with pytest.raises(ValidationError) as refused:
        message_send(thread=cleo_thread, body=body, by=kai, now=NOW)
    assert "body" in refused.value.message_dict
    assert not Message.objects.exists()


def test_five_thousand_characters_are_allowed(cleo_thread, kai):
    message = message_send(thread=cleo_thread, body="é" * 5000, by=kai, now=NOW)
    assert len(message.body) == 5000


def test_the_database_refuses_a_message_without_text_unless_deleted(cleo_thread, kai):
    for fields in [
        {"body": ""},
        {"body": "x" * 5001},
        {"body": "kept", "deleted_at": NOW},  # a deleted message keeps no text
        {"body": "late", "edited_at": later(-1)},
    ]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Message.objects.create(thread=cleo_thread, author=kai, created_at=NOW, **fields)


def test_a_reply_quotes_a_message_of_the_same_conversation_only(cleo_thread, cleo_user, kai, dana):
    question = message_send(thread=cleo_thread, body="Rest day?", by=cleo_user, now=NOW)
    answer = message_send(thread=cleo_thread, body="Yes", by=kai, reply_to=question, now=later(1))
    assert answer.reply_to == question

    danas = client_thread_get_or_create(client=dana, by=kai)
    with pytest.raises(ValidationError) as refused:
        message_send(thread=danas, body="Yes", by=kai, reply_to=question, now=later(2))
    assert "reply_to" in refused.value.message_dict


# --- edits and deletes --------------------------------------------------------------------


def test_the_author_edits_within_fifteen_minutes_and_not_after(cleo_thread, kai):
    message = message_send(thread=cleo_thread, body="See you at 6", by=kai, now=NOW)

    edited = message_edit(message=message, body="See you at 7", by=kai, now=later(15))
    assert (edited.body, edited.edited_at) == ("See you at 7", later(15))

    with pytest.raises(ValidationError) as refused:
        message_edit(message=message, body="See you at 8", by=kai, now=later(15.1))
    assert "15 minutes" in refused.value.message_dict["body"][0]
    message.refresh_from_db()
    assert message.body == "See you at 7"


def test_the_same_text_is_not_an_edit(cleo_thread, kai):
    message = message_send(thread=cleo_thread, body="Same", by=kai, now=NOW)
    assert message_edit(message=message, body=" Same ", by=kai, now=later(1)).edited_at is None


def test_only_the_author_edits_or_deletes_a_message(cleo_thread, kai, cleo_user, owner_user):
    message = message_send(thread=cleo_thread, body="Mine", by=kai, now=NOW)
    for someone in (cleo_user, owner_user):
        with pytest.raises(PermissionDenied):
            message_edit(message=message, body="Theirs", by=someone, now=later(1))
        with pytest.raises(PermissionDenied):
            message_delete(message=message, by=someone, now=later(1))
    message.refresh_from_db()
    assert message.body == "Mine" and message.deleted_at is None


def test_a_deleted_message_keeps_its_place_and_loses_its_text(cleo_thread, kai, cleo_user):
    first = message_send(thread=cleo_thread, body="Oops, wrong client", by=kai, now=NOW)
    reply = message_send(thread=cleo_thread, body="?", by=cleo_user, reply_to=first, now=later(1))

    deleted = message_delete(message=first, by=kai, now=later(10))
    assert (deleted.body, deleted.deleted_at, deleted.shown_text) == (
        "",
        later(10),
        "Message deleted",
    )
    page = messages_for(thread=cleo_thread, user=cleo_user).messages
    assert [m.shown_text for m in page] == ["Message deleted", "?"]
    assert page[1].reply_to.shown_text == "Message deleted"
    reply.refresh_from_db()
    assert reply.reply_to_id == first.pk

    assert message_delete(message=first, by=kai, now=later(11)).deleted_at == later(10)
    with pytest.raises(ValidationError):
        message_edit(message=first, body="Back", by=kai, now=later(11))


def test_a_message_cannot_be_deleted_after_fifteen_minutes(cleo_thread, kai):
    message = message_send(thread=cleo_thread, body="Keep me", by=kai, now=NOW)
    with pytest.raises(ValidationError) as refused:
        message_delete(message=message, by=kai, now=later(16))
    assert "15 minutes" in refused.value.messages[0]


# --- unread counts and read receipts -------------------------------------------------------


def test_unread_counts_and_read_receipts(cleo_thread, kai, cleo_user):
    first = message_send(thread=cleo_thread, body="Plan is up", by=kai, now=NOW)
    second = message_send(thread=cleo_thread, body="Start Monday", by=kai, now=later(1))
    assert unread_counts(user=kai).total == 0  # one's own messages are read
    assert unread_counts(user=cleo_user).by_thread == {cleo_thread.pk: 2}

    thread_mark_read(thread=cleo_thread, by=cleo_user, up_to=first, now=later(2))
    assert unread_counts(user=cleo_user).total == 1
    thread_mark_read(thread=cleo_thread, by=cleo_user, now=later(3))
    assert unread_counts(user=cleo_user).total == 0
    # marking an older message read does not move the receipt back
    thread_mark_read(thread=cleo_thread, by=cleo_user, up_to=first, now=later(4))
    states = read_states_for(thread=cleo_thread)
    receipts = {s.user: (s.last_read_message_id, s.last_read_at) for s in states}
    assert receipts == {kai: (second.pk, later(1)), cleo_user: (second.pk, later(3))}


def test_deleted_messages_are_not_unread(cleo_thread, kai, cleo_user):
    message = message_send(thread=cleo_thread, body="Ignore this", by=kai, now=NOW)
    message_delete(message=message, by=kai, now=later(1))
    assert unread_counts(user=cleo_user).total == 0


def test_marking_read_refuses_another_conversations_message_and_strangers(
    cleo_thread, kai, dana, lou
):
    danas = client_thread_get_or_create(client=dana, by=kai)
    other = message_send(thread=danas, body="Hi Dana", by=kai, now=NOW)
    with pytest.raises(ValidationError):
        thread_mark_read(thread=cleo_thread, by=kai, up_to=other)
    with pytest.raises(PermissionDenied):
        thread_mark_read(thread=danas, by=lou)
    assert thread_mark_read(thread=cleo_thread, by=kai) is None  # nothing to read yet


def test_the_thread_list_shows_unread_and_the_last_message(cleo_thread, kai, cleo_user, dana):
    danas = client_thread_get_or_create(client=dana, by=kai)
    message_send(thread=danas, body="Hi Dana", by=kai, now=NOW)
    message_send(thread=cleo_thread, body="One", by=cleo_user, now=later(1))
    last = message_send(thread=cleo_thread, body="Two", by=cleo_user, now=later(2))

    threads = list(thread_list_for(user=kai))
    assert [(t.pk, t.unread, [m.pk for m in t.latest]) for t in threads][0] == (
        cleo_thread.pk,
        2,
        [last.pk],
    )
    assert (threads[1].pk, threads[1].unread) == (danas.pk, 0)


def test_unread_counts_take_one_query_however_many_threads(
    tenant, kai, owner_user, django_assert_num_queries
):
    clients = [ClientFactory(primary_coach=kai) for _ in range(6)]
    for index, client in enumerate(clients):
        thread = client_thread_get_or_create(client=client, by=owner_user)
        message_send(thread=thread, body="From the owner", by=owner_user, now=later(index))
    role_of(kai)  # the role is read once per request, then remembered

    with django_assert_num_queries(1):
        counts = unread_counts(user=kai)
    assert (counts.total, len(counts.by_thread)) == (6, 6)


def test_the_owners_badge_counts_their_own_and_uncoached_clients(
    tenant, owner_user, sam, sam_user, lou
):
    sams = client_thread_get_or_create(client=sam, by=sam_user)
    message_send(thread=sams, body="Hi Lou", by=sam_user, now=NOW)
    assert unread_counts(user=owner_user).total == 0  # Lou's client: Lou reads it

    alone_user = person_create(email="alone@acme.test", role="client", first_name="Al")
    alone = ClientFactory(first_name="Al", user=alone_user, primary_coach=None)
    alones = client_thread_get_or_create(client=alone, by=alone_user)
    message_send(thread=alones, body="Is anyone there?", by=alone_user, now=NOW)
    assert unread_counts(user=owner_user).by_thread == {alones.pk: 1}


# --- the sending limit ------------------------------------------------------------------------


def test_sending_is_limited_per_person_per_minute(settings, cleo_thread, kai, cleo_user):
    settings.MESSAGE_RATE_LIMIT_PER_MINUTE = 3
    for n in range(3):
        message_send(thread=cleo_thread, body=f"Set {n + 1}", by=kai, now=later(n / 10))
    with pytest.raises(SendingTooFast) as refused:
        message_send(thread=cleo_thread, body="Set 4", by=kai, now=later(0.4))
    assert "body" in refused.value.message_dict
    assert Message.objects.filter(author=kai).count() == 3
    message_send(thread=cleo_thread, body="Still me", by=cleo_user, now=later(0.5))


# --- the demo -------------------------------------------------------------------------------


def test_the_demo_chats_with_several_clients_and_leaves_one_unread(tenant, kai, cleo, dana):
    mail.outbox = []
    assert messaging_demo_seed(coach=kai, chloe=cleo) == 3
    counts = unread_counts(user=kai)
    chloes = Thread.objects.get(client=cleo)
    assert counts.by_thread == {chloes.pk: 1}
    assert Thread.objects.filter(kind=Thread.Kind.GROUP, title="Spring 10k crew").exists()
    assert mail.outbox == []
    assert messaging_demo_seed(coach=kai, chloe=cleo) == 0  # once only


def test_group_messages_reach_their_members_unread(kai, cleo, cleo_user, dana):
    group = group_thread_create(title="Crew", clients=[cleo, dana], by=kai, now=NOW)
    message_send(thread=group, body="Welcome!", by=kai, now=later(1))
    assert unread_counts(user=cleo_user).by_thread == {group.pk: 1}


def test_reading_a_conversation_reads_its_notifications(cleo_thread, kai, cleo_user):
    """A message read on the open page (it came over the socket, no page load) leaves
    no unread notification behind, and so no unread-message e-mail later."""
    from notifications.models import Notification

    message = message_send(thread=cleo_thread, body="Form check tomorrow?", by=kai, now=later(1))
    mine = Notification.objects.filter(user=cleo_user, key=f"message:{message.pk}")
    assert mine.get().read_at is None
    thread_mark_read(thread=cleo_thread, by=cleo_user, now=later(2))
    assert mine.get().read_at == later(2)
    # the coach's own notifications are not touched by the client's reading
    assert not Notification.objects.filter(user=kai, read_at__isnull=False).exists()

"""Who reads and writes which conversation: a client only their own (to their own
coaches), a coach those of the clients they coach now (the history too when added
later, nothing once removed), the owner all, a group its members; nothing crosses to
another business."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django_tenants.utils import tenant_context

from accounts.models import User
from clients.models import Client
from clients.tests.factories import person_create
from messaging.models import Thread, ThreadMember
from messaging.selectors import messages_for, thread_people, thread_queryset_for
from messaging.services import (
    client_thread_get_or_create,
    group_thread_create,
    message_edit,
    message_send,
    thread_may_open,
)

from .conftest import NOW, later

pytestmark = [pytest.mark.citus, pytest.mark.django_db]


def test_a_client_writes_in_their_own_conversation_to_their_coach(cleo_thread, cleo_user, kai):
    message = message_send(thread=cleo_thread, body="Hi Kai!", by=cleo_user, now=NOW)

    assert list(thread_queryset_for(user=cleo_user)) == [cleo_thread]
    assert [m.pk for m in messages_for(thread=cleo_thread, user=kai).messages] == [message.pk]
    assert set(thread_people(thread=cleo_thread)) == {kai, cleo_user}


def test_a_client_cannot_write_in_another_clients_conversation(cleo_thread, sam, sam_user):
    with pytest.raises(PermissionDenied):
        message_send(thread=cleo_thread, body="Hello?", by=sam_user, now=NOW)
    assert not thread_may_open(thread=cleo_thread, user=sam_user)
    assert messages_for(thread=cleo_thread, user=sam_user).messages == []


def test_a_client_cannot_start_a_conversation_for_another_client(cleo, sam, sam_user):
    with pytest.raises(PermissionDenied):
        client_thread_get_or_create(client=cleo, by=sam_user)


def test_a_coach_cannot_write_to_a_client_they_do_not_coach(cleo, cleo_thread, lou):
    with pytest.raises(PermissionDenied):
        client_thread_get_or_create(client=cleo, by=lou)
    with pytest.raises(PermissionDenied):
        message_send(thread=cleo_thread, body="Hi from Lou", by=lou, now=NOW)
    assert not thread_queryset_for(user=lou).exists()


def test_a_coach_added_later_reads_the_history_and_one_removed_loses_it(
    cleo, cleo_thread, cleo_user, lou
):
    message_send(thread=cleo_thread, body="Week one done", by=cleo_user, now=NOW)
    assert messages_for(thread=cleo_thread, user=lou).messages == []

    cleo.coaches.add(lou)
    history = messages_for(thread=cleo_thread, user=lou).messages
    assert [m.body for m in history] == ["Week one done"]
    own = message_send(thread=cleo_thread, body="Lou here, nice work", by=lou, now=later(1))
    assert lou in thread_people(thread=cleo_thread)

    cleo.coaches.remove(lou)
    assert messages_for(thread=cleo_thread, user=lou).messages == []
    assert not thread_queryset_for(user=lou).exists()
    with pytest.raises(PermissionDenied):
        message_send(thread=cleo_thread, body="One more thing", by=lou, now=later(2))
    with pytest.raises(PermissionDenied):  # not even their own message, within the window
        message_edit(message=own, body="Edited", by=lou, now=later(3))
    assert lou not in thread_people(thread=cleo_thread)


def test_a_new_primary_coach_takes_the_conversation_over(cleo, cleo_thread, kai, lou):
    cleo.primary_coach = lou
    cleo.save()

    assert thread_may_open(thread=cleo_thread, user=lou)
    assert not thread_may_open(thread=cleo_thread, user=kai)


def test_the_owner_reads_and_writes_in_every_conversation(owner_user, cleo_thread, sam, lou):
    sams = client_thread_get_or_create(client=sam, by=lou, now=NOW)

    assert set(thread_queryset_for(user=owner_user)) == {cleo_thread, sams}
    message_send(thread=sams, body="Owner here: welcome!", by=owner_user, now=NOW)


def test_an_inactive_coach_and_an_anonymous_visitor_read_nothing(tenant, cleo_thread):
    ex_coach = person_create(email="ex@acme.test", role="coach")
    ex_coach.is_active = False
    ex_coach.save()
    assert not thread_queryset_for(user=ex_coach).exists()
    assert not thread_queryset_for(user=None).exists()


def test_an_archived_clients_conversation_is_kept_for_staff_and_closed(
    cleo, cleo_thread, cleo_user, kai
):
    message_send(thread=cleo_thread, body="See you", by=cleo_user, now=NOW)
    cleo.status = Client.Status.ARCHIVED
    cleo.save()

    assert thread_may_open(thread=cleo_thread, user=kai)
    assert not thread_may_open(thread=cleo_thread, user=cleo_user)
    with pytest.raises(ValidationError) as refused:
        message_send(thread=cleo_thread, body="Still there?", by=kai, now=later(1))
    assert "thread" in refused.value.message_dict


def test_a_client_has_one_conversation_whoever_starts_it(cleo, kai, cleo_user, owner_user):
    first = client_thread_get_or_create(client=cleo, by=cleo_user)
    assert client_thread_get_or_create(client=cleo, by=kai) == first
    assert client_thread_get_or_create(client=cleo, by=owner_user) == first
    with pytest.raises(IntegrityError), transaction.atomic():
        Thread.objects.create(kind=Thread.Kind.CLIENT, client=cleo)


def test_the_database_refuses_a_thread_of_the_wrong_shape(cleo):
    for shape in [
        {"kind": Thread.Kind.CLIENT},  # a client thread without its client
        {"kind": Thread.Kind.GROUP, "title": ""},  # a group without a name
        {"kind": Thread.Kind.GROUP, "title": "Crew", "client": cleo},
        {"kind": "dm", "client": cleo},
    ]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Thread.objects.create(**shape)


def test_a_conversation_of_another_business_never_shows_here(
    cleo_thread, cleo_user, other_business
):
    message_send(thread=cleo_thread, body="Only for acme", by=cleo_user, now=NOW)
    with tenant_context(other_business):
        zen_owner = User.objects.get(email="owner@zen.test")
        assert not Thread.objects.filter(pk=cleo_thread.pk).exists()
        assert not thread_queryset_for(user=zen_owner).exists()
        assert messages_for(thread=cleo_thread, user=zen_owner).messages == []


# --- groups -------------------------------------------------------------------------------


def test_a_coach_starts_a_group_only_with_their_own_clients(kai, cleo, dana, sam):
    with pytest.raises(ValidationError) as refused:
        group_thread_create(title="10k crew", clients=[cleo, sam], by=kai, now=NOW)
    assert "clients" in refused.value.message_dict
    assert not Thread.objects.filter(kind=Thread.Kind.GROUP).exists()

    group = group_thread_create(title="  10k   crew ", clients=[cleo, dana], by=kai, now=NOW)
    assert group.title == "10k crew"
    members = ThreadMember.objects.filter(thread=group)
    assert {m.client_id for m in members if m.client_id} == {cleo.pk, dana.pk}
    assert [m.user_id for m in members if m.user_id] == [kai.pk]


def test_the_owner_groups_any_clients(owner_user, cleo, sam):
    group = group_thread_create(title="Open gym", clients=[cleo, sam], by=owner_user, now=NOW)
    assert group.members.count() == 3


@pytest.mark.parametrize(
    ("title", "how_many", "field"),
    [("", 2, "title"), ("x" * 121, 2, "title"), ("Crew", 1, "clients"), ("Bad\x00", 2, "title")],
)
def test_a_group_needs_a_name_and_two_clients(kai, cleo, dana, title, how_many, field):
    with pytest.raises(ValidationError) as refused:
        group_thread_create(title=title, clients=[cleo, dana][:how_many], by=kai, now=NOW)
    assert field in refused.value.message_dict


def test_archived_clients_cannot_join_a_group(kai, cleo, dana):
    dana.status = Client.Status.ARCHIVED
    dana.save()
    with pytest.raises(ValidationError):
        group_thread_create(title="Crew", clients=[cleo, dana], by=kai, now=NOW)


def test_a_client_cannot_start_a_group(cleo, cleo_user, dana):
    with pytest.raises(PermissionDenied):
        group_thread_create(title="Crew", clients=[cleo, dana], by=cleo_user, now=NOW)


def test_a_group_is_read_by_its_members_and_the_owner_only(
    kai, lou, cleo, cleo_user, dana, sam, sam_user, owner_user
):
    group = group_thread_create(title="10k crew", clients=[cleo, dana], by=kai, now=NOW)
    message_send(thread=group, body="Long run Sunday?", by=cleo_user, now=NOW)

    assert thread_may_open(thread=group, user=kai)
    assert thread_may_open(thread=group, user=owner_user)
    assert not thread_may_open(thread=group, user=lou)
    assert not thread_may_open(thread=group, user=sam_user)
    with pytest.raises(PermissionDenied):
        message_send(thread=group, body="Can I join?", by=sam_user, now=NOW)
    # Dana has no login: the group's people are Kai and Cleo
    assert set(thread_people(thread=group)) == {kai, cleo_user}

    cleo.status = Client.Status.ARCHIVED
    cleo.save()
    assert not thread_may_open(thread=group, user=cleo_user)


def test_staff_added_to_a_group_read_along(kai, lou, cleo, dana):
    group = group_thread_create(title="Crew", clients=[cleo, dana], by=kai, staff=[lou], now=NOW)
    assert thread_may_open(thread=group, user=lou)

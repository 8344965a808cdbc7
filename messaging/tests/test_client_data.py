"""A client's conversations belong to their data: in the export (with the files sent),
gone on erasure. And who stays in a group when coaching changes: an archived client
leaves their groups; a coach taken off a client loses that client's conversation but
keeps the groups they are a member of."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clients.models import Client
from clients.services.erasure import client_erase
from clients.services.exporting import client_export_zip
from messaging.announcements import announcement_create, announcement_send
from messaging.models import Attachment, Message, Thread, ThreadMember
from messaging.selectors import thread_members, thread_people, thread_queryset_for
from messaging.services import group_thread_create, message_send

from .conftest import NOW, later

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def chatted(cleo_thread, cleo, cleo_user, kai, dana):
    """Cleo's conversation with a PDF from Kai, and a group where she wrote once."""
    message_send(thread=cleo_thread, body="How was the run?", by=kai, now=NOW)
    message_send(
        thread=cleo_thread,
        body="Your plan",
        by=kai,
        attachments=[SimpleUploadedFile("plan.pdf", PDF)],
        now=later(1),
    )
    message_send(thread=cleo_thread, body="Easy 5 km 🙂", by=cleo_user, now=later(2))
    group = group_thread_create(title="10k crew", clients=[cleo, dana], by=kai, now=NOW)
    message_send(thread=group, body="Welcome!", by=kai, now=later(3))
    message_send(thread=group, body="Hi all, I'm Cleo", by=cleo_user, now=later(4))
    return group


def test_the_export_holds_the_conversation_and_its_files(chatted, cleo, kai, owner_user):
    out = io.BytesIO()
    summary = client_export_zip(client=cleo, by=owner_user, fileobj=out, business_name="Acme")
    archive = zipfile.ZipFile(out)
    messages = json.loads(archive.read("messages.json"))
    texts = [m["text"] for m in messages]
    # all of her own conversation; of the group, only what she wrote
    assert texts == ["How was the run?", "Your plan", "Easy 5 km 🙂", "Hi all, I'm Cleo"]
    assert [m["by_you"] for m in messages] == [False, False, True, True]
    [path] = messages[1]["files"]
    assert archive.read(path) == PDF
    assert summary.files == 1 and not summary.missing
    assert "messages.json" in archive.read("README.txt").decode()


def test_erasure_removes_the_conversation_its_files_and_her_group_words(
    chatted, cleo, cleo_user, dana, kai, owner_user, django_capture_on_commit_callbacks
):
    stored = Attachment.objects.get().file
    name, storage = stored.name, stored.storage
    with django_capture_on_commit_callbacks(execute=True):
        entry = client_erase(client=cleo, by=owner_user, confirm_name="Cleo Martin")
    assert entry.detail["removed"]["messages"] == 4
    assert entry.detail["removed"]["conversations"] == 1
    assert not Thread.objects.filter(kind=Thread.Kind.CLIENT, client=cleo).exists()
    assert not Attachment.objects.exists() and not storage.exists(name)
    # the group keeps its place for Dana; Cleo's words are gone, Kai's stay
    group_texts = list(Message.objects.filter(thread=chatted).values_list("body", "deleted_at"))
    assert group_texts[0] == ("Welcome!", None)
    assert group_texts[1][0] == "" and group_texts[1][1] is not None
    assert not ThreadMember.objects.filter(client=cleo).exists()


def test_an_announcement_received_goes_with_the_erasure(cleo, dana, kai, owner_user):
    announcement = announcement_create(by=kai, body="Studio closed Monday.", now=NOW)
    announcement_send(announcement_id=announcement.pk, now=NOW)
    client_erase(client=cleo, by=owner_user, confirm_name="Cleo Martin")
    assert list(announcement.recipients.values_list("client_id", flat=True)) == [dana.pk]


# --- groups when coaching changes ------------------------------------------------------------


def test_an_archived_client_leaves_their_groups(chatted, cleo, cleo_user, kai, dana):
    Client.objects.filter(pk=cleo.pk).update(status=Client.Status.ARCHIVED)
    assert not thread_queryset_for(user=cleo_user).filter(pk=chatted.pk).exists()
    assert cleo_user not in thread_people(thread=chatted)
    assert {m.client_id for m in thread_members(thread=chatted) if m.client_id} == {dana.pk}
    # back when reactivated
    Client.objects.filter(pk=cleo.pk).update(status=Client.Status.ACTIVE)
    assert thread_queryset_for(user=cleo_user).filter(pk=chatted.pk).exists()


def test_a_coach_taken_off_a_client_keeps_their_group_but_not_her_conversation(
    chatted, cleo_thread, cleo, cleo_user, kai, lou
):
    Client.objects.filter(pk=cleo.pk).update(primary_coach=lou)
    kais = thread_queryset_for(user=kai)
    assert not kais.filter(pk=cleo_thread.pk).exists()
    assert kais.filter(pk=chatted.pk).exists()  # his group, with Cleo still in it
    assert thread_queryset_for(user=lou).filter(pk=cleo_thread.pk).exists()  # the history
    assert not thread_queryset_for(user=lou).filter(pk=chatted.pk).exists()
    assert thread_queryset_for(user=cleo_user).filter(pk=chatted.pk).exists()

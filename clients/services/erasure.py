"""Erasing a client's personal data on their request, and removing stored files."""

import logging
from collections.abc import Iterable

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policies import is_owner
from accounts.services import invitations_for_email_delete, user_anonymise

from ..models import (
    Assignment,
    AuditEntry,
    Client,
    ClientNote,
    ClientStatusChange,
    Measurement,
    ProgressPhoto,
    Response,
    ResponseFile,
    normalise,
)
from .audit import audit_entry_add, client_initials
from .data_parts import client_data_parts

logger = logging.getLogger(__name__)

ERASED_NAME = "Erased client"
# personal text fields, blanked on erasure (source and dates say nothing about who)
ERASED_FIELDS = [
    "email",
    "phone",
    "gender",
    "goals",
    "experience_level",
    "injuries",
    "medical_notes",
    "emergency_contact_name",
    "emergency_contact_phone",
    "timezone",
    "units",
]


def client_erased_entry(*, client: Client) -> AuditEntry | None:
    return (
        AuditEntry.objects.filter(action=AuditEntry.Action.ERASE, client_id_ref=client.pk)
        .select_related("actor")
        .first()
    )


def client_erase_name_matches(*, client: Client, typed: str) -> bool:
    def simple(text: str) -> str:
        return " ".join(normalise(text).split())

    return bool(typed.strip()) and simple(typed) == simple(client.full_name)


@transaction.atomic
def client_erase(*, client: Client, by: User, confirm_name: str) -> AuditEntry:
    """Erase a client's personal data on their request. Owner only.

    Deleted: measurements, progress photos, form and check-in responses with their
    files (answers held as a possible match for them too), notes, status history and
    assignments, and what other apps keep about them (``data_parts``: their
    conversations and the files sent in them); stored files leave storage once the
    transaction commits. The portal
    login is anonymised and deactivated (e-mail replaced, names and phone blanked,
    password unusable, e-mail addresses, API tokens, two-factor devices and
    invitations removed) rather than deleted, so nothing else that points at the
    user breaks.

    The client record itself is kept, with "Erased client" in place of every
    personal field and status archived, rather than deleted: bookings, invoices
    and other records that must outlive the person (accounting keeps invoices for
    years) still point at a row, counts stay right, and the audit entry's client
    id still names something. What remains identifies no one.

    The audit entry records who, when, the client's id and initials and how much
    was removed; earlier audit entries lose the e-mail of the client's login.
    """
    if not is_owner(by):
        raise PermissionDenied(_("Only the owner can erase a client's data."))
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client_erased_entry(client=client) is not None:
        raise ValidationError({"confirm_name": _("This client's data has already been erased.")})
    if not client_erase_name_matches(client=client, typed=confirm_name):
        raise ValidationError(
            {
                "confirm_name": _("Type the client's name exactly as shown to confirm: %(name)s")
                % {"name": client.full_name}
            }
        )
    login = client.user
    if login is not None and login.is_staff:
        raise ValidationError(
            {
                "confirm_name": _(
                    "This client's login is a staff account. Remove its staff access first."
                )
            }
        )

    initials = client_initials(client)
    files: list[str] = []
    photos = list(ProgressPhoto.objects.filter(client=client))
    for photo in photos:
        files += [name for name in (photo.image.name, photo.thumbnail.name) if name]
    # answers held as a possible match for them were sent with their address: theirs too
    held = Q(response__client=client) | Q(response__match=client)
    uploads = list(ResponseFile.objects.filter(held))
    files += [upload.file.name for upload in uploads if upload.file.name]

    removed = {
        "measurements": Measurement.objects.filter(client=client).delete()[0],
        "photos": ProgressPhoto.objects.filter(client=client).delete()[0],
        "files": ResponseFile.objects.filter(held).delete()[0],
        "responses": Response.objects.filter(Q(client=client) | Q(match=client)).delete()[0],
        "assignments": Assignment.objects.filter(client=client).delete()[0],
        "notes": ClientNote.objects.filter(client=client).delete()[0],
        "status_changes": ClientStatusChange.objects.filter(client=client).delete()[0],
        "login": False,
    }
    for part in client_data_parts():  # what other apps keep (messages, ...), login still set
        counts, names = part.erase(client)
        removed.update(counts)
        files += names
    if client.email:
        invitations_for_email_delete(email=client.email)
    if login is not None:
        if login.avatar:
            files.append(login.avatar.name)
        _user_anonymise(login)
        removed["login"] = True

    client.tags.clear()
    client.coaches.clear()
    for name in ERASED_FIELDS:
        setattr(client, name, "")
    client.first_name, client.last_name = ERASED_NAME, ""
    client.date_of_birth = None
    client.user = None
    client.primary_coach = None
    client.last_activity_at = None
    client.status = Client.Status.ARCHIVED
    client.status_changed_at = timezone.now()
    client.save()
    _admin_log_scrub(client=client, login=login)

    entry = audit_entry_add(
        action=AuditEntry.Action.ERASE,
        by=by,
        subject=_client_subject_erased(client.pk, initials),
        client_id=client.pk,
        initials=initials,
        removed=removed,
        stored_files=len(files),
    )
    transaction.on_commit(lambda: stored_files_delete(names=files))
    return entry


def _client_subject_erased(pk: int, initials: str) -> str:
    return f"Client #{pk} ({initials})"


def _user_anonymise(user: User) -> None:
    old_email = user_anonymise(user=user)
    AuditEntry.objects.filter(actor=user).update(actor_email="")
    if old_email:
        AuditEntry.objects.filter(actor_email__iexact=old_email).update(actor_email="")


def _admin_log_scrub(*, client: Client, login: User | None) -> None:
    """The back office's history of changes names people in plain text: keep the
    entries (what happened, when) and drop the names."""

    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Client), object_id=str(client.pk)
    ).update(object_repr=ERASED_NAME, change_message="")
    if login is not None:
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(User), object_id=str(login.pk)
        ).update(object_repr="Erased user", change_message="")


def stored_files_delete(*, names: Iterable[str]) -> int:
    """Remove files from storage; one that cannot be removed is logged, not raised
    (the database is already committed). Returns how many were removed."""
    removed = 0
    for name in names:
        try:
            default_storage.delete(name)
            removed += 1
        except Exception:  # storage back ends raise many kinds; never fail after commit
            logger.exception("could not delete %s from storage", name)
    return removed

"""Client records: create, change, move through the pipeline, notes, bulk actions."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policies import is_owner, is_staff_member, role_of
from accounts.roles import COACH
from mectofitness.core.quotas import limit_check

from ..models import Client, ClientNote, ClientStatusChange, Tag
from .changes import KEEP, Keep
from .invitations import client_invitation_follow


def _check_email_free(*, email: str, client: Client | None = None) -> None:
    if not email:
        return
    taken = Client.objects.filter(email__iexact=email.strip())
    if client is not None and client.pk:
        taken = taken.exclude(pk=client.pk)
    if taken.exists():
        raise ValidationError(
            {"email": _("Another client already uses %(email)s.") % {"email": email}}
        )


def _check_coach(coach: User | None) -> None:
    if coach is not None and not (coach.is_staff and coach.is_active):
        raise ValidationError({"primary_coach": _("Choose an active coach of this business.")})


# clients in these statuses count against the plan's active-client limit
ROOM_STATUSES = frozenset(Client.ACTIVE_STATUSES)


def client_room_check(*, to_status: str, from_status: str = "") -> None:
    """A client entering onboarding or active needs room on the business's plan."""
    if to_status in ROOM_STATUSES and from_status not in ROOM_STATUSES:
        limit_check(kind="clients", field="status")


@transaction.atomic
def client_create(
    *,
    by: User | None,
    first_name: str,
    last_name: str | Keep = KEEP,
    email: str | Keep = KEEP,
    phone: str | Keep = KEEP,
    date_of_birth: datetime.date | None | Keep = KEEP,
    gender: str | Keep = KEEP,
    goals: str | Keep = KEEP,
    experience_level: str | Keep = KEEP,
    injuries: str | Keep = KEEP,
    medical_notes: str | Keep = KEEP,
    emergency_contact_name: str | Keep = KEEP,
    emergency_contact_phone: str | Keep = KEEP,
    timezone: str | Keep = KEEP,
    units: str | Keep = KEEP,
    source: str | Keep = KEEP,
    primary_coach: User | None | Keep = KEEP,
    status: str = Client.Status.LEAD,
    tags: Iterable[Tag] = (),
    coaches: Iterable[User] = (),
    check_limit: bool = True,
) -> Client:
    """A new client record. A coach who adds a client becomes its primary coach.

    An onboarding or active client needs room on the business's plan
    (``check_limit=False`` for people already admitted: invitations, sign-up). What
    is left out takes the model's default."""
    fields = {
        "last_name": last_name,
        "email": email,
        "phone": phone,
        "date_of_birth": date_of_birth,
        "gender": gender,
        "goals": goals,
        "experience_level": experience_level,
        "injuries": injuries,
        "medical_notes": medical_notes,
        "emergency_contact_name": emergency_contact_name,
        "emergency_contact_phone": emergency_contact_phone,
        "timezone": timezone,
        "units": units,
        "source": source,
        "primary_coach": primary_coach,
    }
    fields = {name: value for name, value in fields.items() if value is not KEEP}
    if status not in Client.Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    if by is not None and role_of(by) == COACH and not fields.get("primary_coach"):
        fields["primary_coach"] = by
    _check_coach(fields.get("primary_coach"))
    _check_email_free(email=fields.get("email", ""))
    if check_limit:
        client_room_check(to_status=status)
    client = Client(first_name=(first_name or "").strip(), status=status, **fields)
    client.full_clean(exclude=["user", "primary_coach"], validate_constraints=False)
    client.save()
    if tags:
        client.tags.set(tags)
    if coaches:
        client.coaches.set(coaches)
    ClientStatusChange.objects.create(
        client=client, from_status="", to_status=status, changed_by=by
    )
    return client


@transaction.atomic
def client_record_save(
    *,
    client: Client,
    by: User | None,
    tags: Iterable[Tag] | None = None,
    coaches: Iterable[User] | None = None,
) -> Client:
    """Save a client record filled in by a form (back office) or a serializer (API).

    New records: a coach who adds a client becomes its primary coach, and the
    pipeline history starts. Existing ones: a changed status goes into the history
    with its date. ``tags`` and ``coaches`` (None: left as they are) are set with it."""
    _check_coach(client.primary_coach)
    _check_email_free(email=client.email, client=client)
    if client.pk is None:
        client_room_check(to_status=client.status)
        if by is not None and role_of(by) == COACH and client.primary_coach_id is None:
            client.primary_coach = by
        client.status_changed_at = timezone.now()
        client.save()
        ClientStatusChange.objects.create(
            client=client, from_status="", to_status=client.status, changed_by=by
        )
        _relations_set(client=client, tags=tags, coaches=coaches)
        return client
    stored = Client.objects.select_for_update().only("status", "email").get(pk=client.pk)
    if stored.status != client.status:
        client_room_check(to_status=client.status, from_status=stored.status)
        ClientStatusChange.objects.create(
            client=client, from_status=stored.status, to_status=client.status, changed_by=by
        )
        client.status_changed_at = timezone.now()
    client.save()
    _relations_set(client=client, tags=tags, coaches=coaches)
    client_invitation_follow(client=client, old_email=stored.email)
    return client


def _relations_set(
    *, client: Client, tags: Iterable[Tag] | None, coaches: Iterable[User] | None
) -> None:
    if tags is not None:
        client.tags.set(tags)
    if coaches is not None:
        client.coaches.set(coaches)


@transaction.atomic
def client_update(
    *,
    client: Client,
    by: User | None,
    first_name: str | Keep = KEEP,
    last_name: str | Keep = KEEP,
    email: str | Keep = KEEP,
    phone: str | Keep = KEEP,
    date_of_birth: datetime.date | None | Keep = KEEP,
    gender: str | Keep = KEEP,
    goals: str | Keep = KEEP,
    experience_level: str | Keep = KEEP,
    injuries: str | Keep = KEEP,
    medical_notes: str | Keep = KEEP,
    emergency_contact_name: str | Keep = KEEP,
    emergency_contact_phone: str | Keep = KEEP,
    timezone: str | Keep = KEEP,
    units: str | Keep = KEEP,
    source: str | Keep = KEEP,
    primary_coach: User | None | Keep = KEEP,
    status: str | Keep = KEEP,
    tags: Iterable[Tag] | Keep = KEEP,
    coaches: Iterable[User] | Keep = KEEP,
) -> Client:
    """Change a client's details; what is left out stays as it is. A new status goes
    through the pipeline (``client_status_set``)."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    old_email = client.email
    changes = {
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "phone": phone,
        "date_of_birth": date_of_birth,
        "gender": gender,
        "goals": goals,
        "experience_level": experience_level,
        "injuries": injuries,
        "medical_notes": medical_notes,
        "emergency_contact_name": emergency_contact_name,
        "emergency_contact_phone": emergency_contact_phone,
        "timezone": timezone,
        "units": units,
        "source": source,
        "primary_coach": primary_coach,
    }
    changes = {name: value for name, value in changes.items() if value is not KEEP}
    if "primary_coach" in changes:
        _check_coach(changes["primary_coach"])
    if "email" in changes:
        _check_email_free(email=changes["email"], client=client)
    for name, value in changes.items():
        setattr(client, name, value)
    client.full_clean(exclude=["user", "primary_coach"], validate_constraints=False)
    client.save()
    if tags is not KEEP:
        client.tags.set(tags)
    if coaches is not KEEP:
        client.coaches.set(coaches)
    client_invitation_follow(client=client, old_email=old_email)
    if status is not KEEP and status != client.status:
        client = client_status_set(client=client, status=status, by=by)
    return client


@transaction.atomic
def client_status_set(
    *, client: Client, status: str, by: User | None, check_limit: bool = True
) -> Client:
    """Move a client through the pipeline, keeping the date of each change.

    Archiving hides a client from lists and the portal; nothing is deleted.
    Moving into onboarding or active needs room on the business's plan."""
    if status not in Client.Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.status == status:
        return client
    if check_limit:
        client_room_check(to_status=status, from_status=client.status)
    now = timezone.now()
    ClientStatusChange.objects.create(
        client=client, from_status=client.status, to_status=status, changed_by=by, changed_at=now
    )
    client.status = status
    client.status_changed_at = now
    client.save(update_fields=["status", "status_changed_at", "updated_at"])
    client_invitation_follow(client=client, old_email=client.email)
    return client


def client_touch(*, client: Client) -> None:
    """Record that the client did something (logged in, measured, answered). One UPDATE."""
    Client.objects.filter(pk=client.pk).update(last_activity_at=timezone.now())


@transaction.atomic
def clients_bulk_status(*, clients: QuerySet[Client], status: str, by: User | None) -> int:
    changed = 0
    locked = Client.objects.filter(pk__in=clients.values("pk")).select_for_update()
    for client in locked.exclude(status=status):
        client_status_set(client=client, status=status, by=by)
        changed += 1
    return changed


@transaction.atomic
def clients_bulk_tag(*, clients: QuerySet[Client], tag: Tag) -> int:
    through = Client.tags.through
    have = set(through.objects.filter(tag=tag).values_list("client_id", flat=True))
    rows = [through(client_id=pk, tag=tag) for pk in clients.values_list("pk", flat=True)]
    through.objects.bulk_create([row for row in rows if row.client_id not in have])
    return len(rows)


@transaction.atomic
def clients_bulk_assign_coach(*, clients: QuerySet[Client], coach: User, by: User) -> int:
    """Make ``coach`` the primary coach of ``clients``. Owners only."""
    if not by.is_superuser:
        raise PermissionDenied(_("Only the owner can reassign clients."))
    _check_coach(coach)
    return Client.objects.filter(pk__in=clients.values("pk")).update(
        primary_coach=coach, updated_at=timezone.now()
    )


def tag_get_or_create(*, name: str) -> Tag:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"tag": _("Give the tag a name.")})
    if len(name) > 40:
        raise ValidationError({"tag": _("Keep tags to 40 characters.")})
    tag = Tag.objects.filter(name__iexact=name).first()
    return tag or Tag.objects.create(name=name)


@transaction.atomic
def tag_save(*, tag: Tag) -> Tag:
    """Save a tag filled in by the back office's form: the name tidied and unique
    whatever its case (the constraint guarantees it; this says so kindly)."""
    tag.name = " ".join((tag.name or "").split())
    if not tag.name:
        raise ValidationError({"name": _("Give the tag a name.")})
    if Tag.objects.filter(name__iexact=tag.name).exclude(pk=tag.pk).exists():
        raise ValidationError(
            {"name": _("There is already a tag called %(name)s.") % {"name": tag.name}}
        )
    tag.save()
    return tag


def tag_delete(*, tag: Tag) -> None:
    """Remove a tag; the clients who had it keep everything else."""
    Tag.objects.filter(pk=tag.pk).delete()


def client_note_add(
    *, client: Client, author: User, body: str, is_pinned: bool = False
) -> ClientNote:
    """A new line on the timeline. Notes are rows of their own: two coaches writing at
    once both keep what they wrote."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")})
    if len(body) > 10_000:
        raise ValidationError({"body": _("Keep a note under 10,000 characters.")})
    return ClientNote.objects.create(client=client, author=author, body=body, is_pinned=is_pinned)


@transaction.atomic
def client_note_update(
    *, note: ClientNote, by: User, body: str, is_pinned: bool, seen_updated_at=None
) -> ClientNote:
    """Edit a note. If someone changed it since ``seen_updated_at``, refuse instead of
    overwriting their words."""
    note = ClientNote.objects.select_for_update().get(pk=note.pk)
    if seen_updated_at is not None and note.updated_at != seen_updated_at:
        raise ValidationError(
            {"body": _("Someone changed this note meanwhile. Reload it and try again.")}
        )
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")})
    note.body = body
    note.is_pinned = is_pinned
    note.save()
    return note


def client_note_delete(*, note: ClientNote, by: User) -> None:
    """Remove a note from the timeline: its author may, and the owner. Callers check
    that ``by`` sees the client."""
    if note.author_id != by.pk and not is_owner(by):
        raise PermissionDenied(_("Only the note's author or the owner can delete it."))
    ClientNote.objects.filter(pk=note.pk).delete()


@transaction.atomic
def client_for_user_link(*, user: User, invited_by: User | None = None) -> Client:
    """The client record of a person who just joined the portal (by invitation or open
    sign-up): the lead with their e-mail if there is one, else a new record. Whatever
    was given to the record before (programs, forms) is theirs from now on; the person
    who invited them becomes the primary coach of a record that has none."""
    client = Client.objects.select_for_update().filter(email__iexact=user.email).first()
    if client is None:
        client = client_create(
            by=invited_by,
            first_name=user.first_name or user.email.split("@")[0],
            last_name=user.last_name,
            email=user.email,
            phone=user.phone,
            source=Client.Source.INVITATION if invited_by else Client.Source.WEBSITE,
            status=Client.Status.ONBOARDING,
            check_limit=False,  # admitted already: at the invitation or the sign-up form
        )
    elif client.user_id and client.user_id != user.pk:
        raise ValidationError({"email": _("This e-mail belongs to another client's login.")})
    client.user = user
    fields = ["user", "updated_at"]
    if client.primary_coach_id is None and invited_by is not None and is_staff_member(invited_by):
        client.primary_coach = invited_by  # whoever invited them hears of their workouts
        fields.append("primary_coach")
    client.save(update_fields=fields)
    if client.status == Client.Status.LEAD:
        client = client_status_set(
            client=client, status=Client.Status.ONBOARDING, by=invited_by, check_limit=False
        )
    return client

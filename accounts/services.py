"""People's use cases inside a business: inviting, accepting, roles."""

import functools
import secrets
import uuid
from collections.abc import Iterable

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name

from mectofitness.core import quotas
from mectofitness.core.deletion import delete_here
from mectofitness.core.tasks import enqueue_on_commit

from .backends import role_remember
from .events import client_invitation_creating, client_joined
from .models import INVITATION_LIFETIME, ApiToken, Invitation, User, token_hash
from .policies import may_invite
from .roles import CLIENT, COACH, OWNER
from .tasks import invitation_send_task


def other_active_owner_exists(*, user: User, excluding=None) -> bool:
    """Whether someone besides ``user`` (and ``excluding``) can still run the business."""
    owners = User.objects.filter(groups__name=OWNER, is_active=True, is_staff=True).exclude(
        pk=user.pk
    )
    if excluding is not None:
        owners = owners.exclude(pk__in=[u.pk for u in excluding])
    return owners.exists()


def _can_invite(*, inviter: User, role: str) -> bool:
    return may_invite(inviter, role=role)


@transaction.atomic
def invitation_create(
    *,
    email: str,
    role: str,
    invited_by: User,
    first_name: str = "",
    last_name: str = "",
) -> Invitation:
    """Invite ``email`` to join as ``role``; the e-mail goes out from the worker.

    Owners invite coaches and clients; coaches invite clients.
    """
    email = email.strip().lower()
    if role not in Invitation.Role.values:
        raise ValidationError({"role": _("Choose coach or client.")})
    if not _can_invite(inviter=invited_by, role=role):
        raise PermissionDenied(_("Only the owner can invite coaches."))
    _check_plan_room(role=role, email=email)
    existing = User.objects.filter(email__iexact=email).first()
    if existing:
        raise ValidationError(
            # the message must not start with the address: the admin capitalises messages
            {"email": _("This business already has an account for %(email)s.") % {"email": email}}
        )
    open_invitation = (
        Invitation.objects.select_for_update()
        .filter(email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if open_invitation and open_invitation.is_open:
        raise ValidationError(
            {
                "email": _(
                    "An invitation to %(email)s was already sent on %(date)s. "
                    "Resend that invitation instead."
                )
                % {"email": email, "date": open_invitation.created_at.date().isoformat()}
            }
        )
    if open_invitation:  # expired: retire it so the new one is the only open one
        open_invitation.revoked_at = timezone.now()
        open_invitation.save(update_fields=["revoked_at"])
    invitation = Invitation(
        email=email,
        role=role,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        invited_by=invited_by,
    )
    _issue_token(invitation)
    return invitation


def _check_plan_room(*, role: str, email: str) -> None:
    """The plan must have room for what the invitations will add when accepted: a
    coach counts with the open coach invitations; a client counts with the open
    client invitations, except people who are active (or onboarding) clients already,
    whose joining adds nobody."""
    open_invitations = Invitation.objects.filter(
        role=role, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )
    if role == Invitation.Role.COACH:
        quotas.limit_check(kind="coaches", field="email", adding=1 + open_invitations.count())
        return
    # who counts as a client is the clients app's to say (clients/receivers.py)
    client_invitation_creating.send(
        sender=Invitation, email=email, open_invitations=open_invitations
    )


def _issue_token(invitation: Invitation) -> None:
    """A fresh token and expiry; saves, and queues the e-mail carrying the token."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_hash = token_hash(token)
    invitation.expires_at = now + INVITATION_LIFETIME
    invitation.sent_at = now
    invitation.full_clean(exclude=["invited_by", "user"], validate_constraints=False)
    invitation.save()
    enqueue_on_commit(invitation_send_task, invitation_id=invitation.pk, token=token)


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: User) -> Invitation:
    """A new link (the old one stops working) with a new expiry."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not _can_invite(inviter=by, role=invitation.role):
        raise PermissionDenied(_("Only the owner can invite coaches."))
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError(_("This invitation was %(status)s.") % {"status": invitation.status})
    _issue_token(invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not _can_invite(inviter=by, role=invitation.role):
        raise PermissionDenied(_("Only the owner can revoke coach invitations."))
    if invitation.accepted_at:
        raise ValidationError(_("This invitation was already accepted."))
    if not invitation.revoked_at:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_withdraw_for(*, email: str, role: str) -> int:
    """Revoke the open invitation (pending or expired) to ``email`` in ``role``, if any:
    the address changed or the person left. Its link then shows the "can't be used"
    page. Returns how many were withdrawn (0 or 1). Callers check who may."""
    if not email:
        return 0
    return Invitation.objects.filter(
        email__iexact=email.strip(), role=role, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())


INVITATION_PROBLEMS = {
    "missing": _("This invitation link is not valid here. Check that you opened the whole link."),
    "accepted": _("This invitation was already used. Sign in instead."),
    "revoked": _("This invitation was withdrawn. Ask for a new one."),
    "expired": _("This invitation has expired. Ask for a new one."),
}


def invitation_for_token(*, token: str) -> tuple[Invitation | None, str | None]:
    """The open invitation for ``token`` in this business, or None and why not."""
    invitation = Invitation.objects.filter(token_hash=token_hash(token)).first()
    if invitation is None:
        return None, INVITATION_PROBLEMS["missing"]
    if not invitation.is_open:
        return None, INVITATION_PROBLEMS[invitation.status]
    return invitation, None


@transaction.atomic
def invitation_accept(*, token: str, password: str, first_name: str, last_name: str = "") -> User:
    """Create the invited person's account: role, verified e-mail, password. Once."""
    invitation = Invitation.objects.select_for_update().filter(token_hash=token_hash(token)).first()
    if invitation is None:
        raise ValidationError(INVITATION_PROBLEMS["missing"])
    if not invitation.is_open:
        raise ValidationError(INVITATION_PROBLEMS[invitation.status])
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(_("An account with this e-mail already exists. Sign in instead."))
    user = User.objects.create_user(
        email=invitation.email,
        password=password,
        first_name=first_name.strip() or invitation.first_name,
        last_name=last_name.strip() or invitation.last_name,
        is_staff=invitation.role == Invitation.Role.COACH,
    )
    user.groups.add(Group.objects.get(name=invitation.role))
    # the link reached this inbox: the address is verified
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    invitation.accepted_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["accepted_at", "user"])
    if invitation.role == Invitation.Role.CLIENT:
        client_joined.send(sender=User, user=user, invited_by=invitation.invited_by)
    return user


# --- API tokens ---------------------------------------------------------------------

TOKEN_PREFIX = "mf_"


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new personal token; returns it and its key, which is never shown again."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Name the token after what will use it.")})
    if ApiToken.objects.filter(user=user, name__iexact=name, revoked_at__isnull=True).exists():
        raise ValidationError({"name": _("You already have a token with this name.")})
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[: len(TOKEN_PREFIX) + 6], key_hash=token_hash(key)
    )
    return token, key


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


@functools.cache
def _api_token_user_sql() -> tuple[str, list]:
    """The token lookup of :func:`api_token_user` as SQL, written once from the models:
    the person's columns, the token's id and last use, and the person's group names."""
    qn = connection.ops.quote_name
    fields = User._meta.concrete_fields
    user, token = qn(User._meta.db_table), qn(ApiToken._meta.db_table)
    groups, member = qn(Group._meta.db_table), qn(User.groups.through._meta.db_table)
    columns = ", ".join(f"u.{qn(field.column)}" for field in fields)
    sql = (
        f"SELECT {columns}, t.id, t.last_used_at, "
        f"ARRAY(SELECT g.name FROM {groups} g JOIN {member} m ON m.group_id = g.id"
        f" WHERE m.user_id = u.id) "
        f"FROM {token} t JOIN {user} u ON u.id = t.user_id "
        f"WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active"
    )
    return sql, list(fields)


def api_token_user(*, key: str) -> User | None:
    """The active user a token key belongs to in this business, or None.

    One query, which reads the person's role too (``accounts.policies.role_of`` asks
    none after it); records when the token was last used (at most once a minute). It
    runs before every API request made with a token, so its SQL is written once
    (``_api_token_user_sql``) rather than built by the ORM each time (0.15 ms of CPU
    instead of 1.5).
    """
    if not key.startswith(TOKEN_PREFIX):
        return None
    sql, fields = _api_token_user_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [token_hash(key)])
        row = cursor.fetchone()
    if row is None:
        return None
    values = [
        field.from_db_value(value, None, connection) if hasattr(field, "from_db_value") else value
        for field, value in zip(fields, row, strict=False)
    ]
    user = User.from_db(connection.alias, [field.attname for field in fields], values)
    token_id, last_used_at, group_names = row[len(fields) :]
    role_remember(user, group_names)
    now = timezone.now()
    if last_used_at is None or (now - last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    return user


@transaction.atomic
def user_profile_update(*, user: User, form) -> User:
    """Save a person's profile form; a new photo replaces (and deletes) the old one."""
    user = form.save(commit=False)
    old = user.avatar.name if user.avatar else ""
    photo = form.cleaned_data.get("photo")
    if photo is not None:
        quotas.storage_check(adding_bytes=photo.size, field="photo")  # the plan's storage
        user.avatar.save(f"avatar-{secrets.token_hex(4)}.jpg", photo, save=False)
        quotas.storage_counted(added_bytes=photo.size)
    user.save()
    if old and user.avatar.name != old:
        storage = user.avatar.storage
        transaction.on_commit(lambda: storage.delete(old))
    return user


# --- the team in the back office: people and roles ------------------------------------


def _owner_missing() -> bool:
    """Whether the business in use has no active owner (the platform's own people, in
    the public schema, have none to keep)."""
    return (
        connection.schema_name != get_public_schema_name()
        and not User.objects.filter(groups__name=OWNER, is_active=True, is_staff=True).exists()
    )


def _an_owner_remains() -> None:
    """The business keeps an active owner: checked after a change, inside its
    transaction, which the error rolls back."""
    if _owner_missing():
        raise ValidationError(_("The business needs an active owner: make someone else one first."))


@transaction.atomic
def user_save(*, user: User, by: User) -> User:
    """Save a person as the back office changed (or added) them."""
    user.save()
    _an_owner_remains()
    return user


@transaction.atomic
def user_access_set(
    *,
    user: User,
    by: User,
    groups: Iterable[Group] | None = None,
    permissions: Iterable | None = None,
) -> User:
    """Give a person these roles and permissions (None: leave them as they are)."""
    if groups is not None:
        user.groups.set(groups)
    if permissions is not None:
        user.user_permissions.set(permissions)
    _an_owner_remains()
    return user


@transaction.atomic
def users_delete(*, users: Iterable[User], by: User) -> int:
    """Delete people from the business; never its last active owner."""
    ids = [user.pk for user in users]
    # only what this schema holds: platform staff are pointed at by no business's rows
    deleted, _per_model = delete_here(User.objects.filter(pk__in=ids))
    if _owner_missing():
        raise PermissionDenied(_("The last owner cannot be deleted."))
    return deleted


@transaction.atomic
def role_save(*, role: Group, by: User, permissions: Iterable | None = None) -> Group:
    """Save a role (a group of permissions) and, when given, what it may do."""
    role.save()
    if permissions is not None:
        role.permissions.set(permissions)
    return role


@transaction.atomic
def roles_delete(*, roles: Iterable[Group], by: User) -> int:
    deleted, _per_model = Group.objects.filter(pk__in=[role.pk for role in roles]).delete()
    return deleted


@transaction.atomic
def invitations_delete(*, invitations: Iterable[Invitation], by: User) -> int:
    """Delete invitations from the list; their links stop working with them."""
    deleted, _per_model = Invitation.objects.filter(
        pk__in=[invitation.pk for invitation in invitations]
    ).delete()
    return deleted


# --- erasure: a person's sign-in, forgotten ------------------------------------------


def user_anonymise(*, user: User) -> str:
    """Forget a person's sign-in: their addresses, authenticators, tokens, invitations,
    roles and details; the row stays (what it did keeps its author) but can never sign
    in again. Returns the e-mail address it had. Runs in the caller's transaction
    (the erasure of a client record)."""
    old_email = user.email
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user).delete()
    Invitation.objects.filter(user=user).delete()
    user.groups.remove(*Group.objects.filter(name__in=[CLIENT, COACH, OWNER]))
    user.user_permissions.clear()
    user.email = f"erased-{user.pk}-{uuid.uuid4().hex[:8]}@erased.invalid"
    user.first_name = user.last_name = user.phone = user.timezone = user.units = ""
    user.avatar = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    return old_email


def invitations_for_email_delete(*, email: str) -> int:
    """Forget every invitation sent to ``email`` (an erased person's)."""
    deleted, _per_model = Invitation.objects.filter(email__iexact=email).delete()
    return deleted


@transaction.atomic
def user_details_update(
    *,
    user: User,
    first_name: str | None = None,
    last_name: str | None = None,
    phone: str | None = None,
    timezone_name: str | None = None,
) -> User:
    """A person changes their own details (None: leave as it is). The form or
    serializer has checked them (the time zone is a known one)."""
    changes = {
        "first_name": first_name,
        "last_name": last_name,
        "phone": phone,
        "timezone": timezone_name,
    }
    changed = [field for field, value in changes.items() if value is not None]
    for field in changed:
        setattr(user, field, changes[field].strip())
    if changed:
        user.save(update_fields=changed)
    return user

"""Inviting a client to the portal from their record: invite, resend, revoke.

The invitation itself (token, expiry, e-mail) is the accounts app's
(``accounts.services.invitation_*``); these add what the client record knows: its
address, whether it has a login or is archived, and who coaches it. Whatever is given
to the client before they accept (programs, forms, check-ins) hangs on the record, so
they find it in the portal as soon as the invitation links their login to it
(``records.client_for_user_link``).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Invitation, User
from accounts.policies import is_staff_member, may_invite
from accounts.services import (
    invitation_create,
    invitation_resend,
    invitation_revoke,
    invitation_withdraw_for,
)

from ..models import Client
from ..selectors import client_invitation_latest, client_queryset_for


def _client_locked(*, client: Client, by: User) -> Client:
    """The record, locked; refused unless ``by`` may invite it (the policy) and see it."""
    if not may_invite(by, role=Invitation.Role.CLIENT):
        raise PermissionDenied(_("Only the business's staff can invite clients."))
    locked = client_queryset_for(user=by).select_for_update(of=("self",)).filter(pk=client.pk)
    client = locked.first()
    if client is None:
        raise PermissionDenied(_("This is not one of your clients."))
    return client


def _check_invitable(client: Client) -> None:
    if client.is_archived:
        raise ValidationError(
            _("This client is archived: restore them before inviting them to the portal.")
        )
    if client.user_id:
        raise ValidationError(_("This client already has a portal login."))
    if not client.email:
        raise ValidationError(
            {"email": _("Add the client's e-mail address first: the invitation goes there.")}
        )
    if User.objects.filter(email__iexact=client.email).exists():
        raise ValidationError(
            {
                "email": _(
                    "Someone here already signs in with %(email)s (a coach or another "
                    "client). Give this client their own e-mail address first."
                )
                % {"email": client.email}
            }
        )


@transaction.atomic
def client_invite(*, client: Client, by: User) -> Invitation:
    """E-mail ``client`` a link to join the portal. Whoever invites a client without a
    primary coach becomes it, so someone hears of their workouts."""
    client = _client_locked(client=client, by=by)
    _check_invitable(client)
    invitation = invitation_create(
        email=client.email,
        role=Invitation.Role.CLIENT,
        invited_by=by,
        first_name=client.first_name,
        last_name=client.last_name,
    )
    if client.primary_coach_id is None and is_staff_member(by):
        client.primary_coach = by
        client.save(update_fields=["primary_coach", "updated_at"])
    return invitation


def _open_invitation(client: Client) -> Invitation:
    """The client's invitation that can still be resent or revoked (pending or expired)."""
    invitation = client_invitation_latest(client=client)
    if invitation is None or invitation.accepted_at or invitation.revoked_at:
        raise ValidationError(_("There is no open invitation for this client."))
    return invitation


@transaction.atomic
def client_invitation_resend(*, client: Client, by: User) -> Invitation:
    """A new link to the client's address (the old one stops working), valid again for
    the full time."""
    client = _client_locked(client=client, by=by)
    _check_invitable(client)
    return invitation_resend(invitation=_open_invitation(client), by=by)


@transaction.atomic
def client_invitation_revoke(*, client: Client, by: User) -> Invitation:
    """Withdraw the client's invitation: its link shows the "can't be used" page."""
    client = _client_locked(client=client, by=by)
    return invitation_revoke(invitation=_open_invitation(client), by=by)


def client_invitation_follow(*, client: Client, old_email: str) -> None:
    """An invitation on its way follows the record: a changed address or an archived
    record withdraws it (its link would otherwise link whoever opens it to this record,
    or make a new one)."""
    if client.user_id:
        return
    if old_email and old_email.strip().lower() != (client.email or "").strip().lower():
        invitation_withdraw_for(email=old_email, role=Invitation.Role.CLIENT)
    if client.status == Client.Status.ARCHIVED:
        invitation_withdraw_for(email=client.email, role=Invitation.Role.CLIENT)

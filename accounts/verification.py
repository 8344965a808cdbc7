"""Confirming a person's e-mail address, with a grace period for the back office.

allauth's mandatory verification stops an unconfirmed person at sign-in. A new owner
comes into the back office through the sign-up hand-off and would meet that wall the
next time they sign in, so the business's staff (owner, coaches) may sign in unconfirmed
for ``settings.EMAIL_VERIFICATION_GRACE_DAYS`` after their account was made, with a
reminder in the back office; afterwards the branded "confirm your address" page stops
them, as it stops clients from the start (clients who joined by invitation proved their
address by opening it, and are verified when they accept).
"""

from __future__ import annotations

import datetime as dt

from allauth.account.internal.flows.email_verification import (
    get_address_for_user,
    send_verification_email_to_address,
)
from allauth.account.models import EmailAddress
from allauth.account.stages import EmailVerificationStage
from django.conf import settings
from django.utils import timezone


def grace_ends_at(user) -> dt.datetime | None:
    """When ``user`` must have confirmed their address to keep signing in, for the
    business's staff; None for everyone else (no grace)."""
    if user is None or not getattr(user, "is_staff", False) or user.date_joined is None:
        return None
    return user.date_joined + dt.timedelta(days=settings.EMAIL_VERIFICATION_GRACE_DAYS)


def is_email_verified(user) -> bool:
    """Whether ``user`` has a confirmed address (one query)."""

    return EmailAddress.objects.filter(user_id=user.pk, verified=True).exists()


def in_grace(user) -> bool:
    """Whether ``user`` may still sign in without a confirmed address."""
    ends = grace_ends_at(user)
    return ends is not None and timezone.now() < ends


def verification_reminder(user) -> dict | None:
    """What the back office's reminder needs, or None when there is nothing to remind
    (confirmed, or not staff). One query."""
    if user is None or not user.is_authenticated or not user.is_staff:
        return None
    if is_email_verified(user):
        return None
    return {"email": user.email, "grace_ends_at": grace_ends_at(user)}


def email_verification_resend(*, request, user) -> bool:
    """Send ``user`` a new confirmation link (our branded mail). False when the address
    is confirmed already or a link went out moments ago (allauth's rate limit: the
    earlier link still works)."""

    address = get_address_for_user(user)
    if address is None or address.verified:
        return False
    return send_verification_email_to_address(request, address)


class EmailVerificationGraceStage(EmailVerificationStage):
    """allauth's verification stage, except that staff in their grace period pass."""

    def handle(self):
        user = self.login.user
        if user is not None and in_grace(user) and not self.login.signup:
            return None, True
        return super().handle()

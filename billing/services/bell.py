"""The bell (and push) when a card payment fails: the client (to update their card)
and the owner (to follow it up)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import OWNER
from notifications.models import Kind
from notifications.services import notify

from ..models import Payment


def payment_failed_bell(*, payment: Payment) -> int:
    """Notify ``payment``'s client and the owners that it failed (once per payment)."""
    client = payment.client
    key = f"payment:{payment.pk}"
    made = 0
    if client.user_id:
        made += (
            notify(
                user=client.user,
                kind=Kind.PAYMENT_FAILED,
                title=_("Your payment did not go through"),
                body=payment.failure_message,
                url="/billing/",
                key=key,
            )
            is not None
        )
    for owner in User.objects.filter(groups__name=OWNER, is_active=True):
        made += (
            notify(
                user=owner,
                kind=Kind.PAYMENT_FAILED,
                title=_("A payment from %(name)s failed") % {"name": client.full_name},
                body=payment.failure_message,
                url=f"/admin/billing/payment/{payment.pk}/change/",
                key=key,
            )
            is not None
        )
    return made

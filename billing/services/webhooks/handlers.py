"""What each Connect event type means for the business's records: one handler per
type, looked up in ``HANDLERS`` (event type -> handler). A handler takes the
event's object and the connected account it came from; a type not in the table
is recorded and acknowledged."""

from __future__ import annotations

from collections.abc import Callable

from ..checkout import checkout_session_expired, checkout_session_fulfil
from ..connect import connect_account_deauthorized, connect_account_updated
from ..portal import subscription_updated
from ..refunds import charge_refunds_sync, refund_updated
from ..subscriptions import (
    subscription_cancelled,
    subscription_invoice_failed,
    subscription_invoice_paid,
)

Handler = Callable[[dict, str | None], object]


def _checkout_completed(obj: dict, account: str | None) -> None:
    checkout_session_fulfil(session=obj)


def _checkout_expired(obj: dict, account: str | None) -> None:
    checkout_session_expired(session=obj)


def _invoice_paid(obj: dict, account: str | None) -> None:
    subscription_invoice_paid(invoice=obj, account=account)


def _invoice_failed(obj: dict, account: str | None) -> None:
    subscription_invoice_failed(invoice=obj, account=account)


def _subscription_deleted(obj: dict, account: str | None) -> None:
    subscription_cancelled(subscription=obj, account=account)


def _subscription_updated(obj: dict, account: str | None) -> None:
    subscription_updated(subscription=obj, account=account)


def _charge_refunded(obj: dict, account: str | None) -> None:
    charge_refunds_sync(charge=obj, account=account)


def _refund_updated(obj: dict, account: str | None) -> None:
    refund_updated(refund=obj, account=account)


def _account_updated(obj: dict, account: str | None) -> None:
    if account:
        connect_account_updated(account=account, charges_enabled=bool(obj.get("charges_enabled")))


def _account_deauthorized(obj: dict, account: str | None) -> None:
    if account:
        connect_account_deauthorized(account=account)


HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": _checkout_completed,
    "checkout.session.async_payment_succeeded": _checkout_completed,
    "checkout.session.expired": _checkout_expired,
    "invoice.paid": _invoice_paid,
    "invoice.payment_succeeded": _invoice_paid,
    "invoice.payment_failed": _invoice_failed,
    "customer.subscription.deleted": _subscription_deleted,
    "customer.subscription.updated": _subscription_updated,
    "charge.refunded": _charge_refunded,
    "charge.refund.updated": _refund_updated,
    "refund.updated": _refund_updated,
    "account.updated": _account_updated,
    "account.application.deauthorized": _account_deauthorized,
}

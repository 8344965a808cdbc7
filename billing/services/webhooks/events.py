"""The Connect webhook: verify a delivery's signature, route it by ``event.account``
to its business, store the event once in that business's schema, process it once
(the handler for its type, from ``handlers.HANDLERS``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import traceback

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import User
from tenants.models import Business

from ...models import StripeEvent
from ..common import require_owner
from .handlers import HANDLERS

log = logging.getLogger(__name__)


class WebhookError(Exception):
    """A delivery Stripe should not retry as is (bad signature or body): HTTP 400."""


def connect_event_verify(*, payload: bytes, signature: str) -> dict:
    """The event, once its signature checks out with the Connect endpoint's secret."""
    secret = settings.STRIPE_CONNECT_WEBHOOK_SECRET
    if not secret:
        raise WebhookError("the Connect webhook secret is not configured")
    try:
        stripe.Webhook.construct_event(payload, signature or "", secret)
    except stripe.SignatureVerificationError as exc:
        raise WebhookError(f"bad signature: {exc}") from None
    except ValueError as exc:
        raise WebhookError(f"bad payload: {exc}") from None
    event = json.loads(payload)
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise WebhookError("not a Stripe event")
    return event


def _event_store(event: dict) -> None:
    created = event.get("created")
    try:
        with transaction.atomic():
            StripeEvent.objects.get_or_create(
                event_id=event["id"],
                defaults={
                    "type": event["type"][:100],
                    "stripe_created": dt.datetime.fromtimestamp(int(created), tz=dt.UTC)
                    if created
                    else timezone.now(),
                    "payload": event,
                },
            )
    except IntegrityError:
        pass  # a racing delivery stored it first: it is there now


def stripe_event_handle(*, event: dict) -> None:
    """Apply one Connect event to this business's records (inside its schema): the
    handler registered for its type; any other type is recorded and acknowledged."""
    handler = HANDLERS.get(event["type"])
    if handler is not None:
        handler((event.get("data") or {}).get("object") or {}, event.get("account"))


def stripe_event_process(*, event_id: str) -> bool:
    """Process a stored event once: the row is locked, so a racing delivery waits and
    then finds it done. A failure keeps the event with its error and attempts (the
    caller answers 500 and Stripe retries). True when processed."""
    with transaction.atomic():
        stored = StripeEvent.objects.select_for_update().get(event_id=event_id)
        if stored.processed_at is not None:
            return True
        stored.attempts += 1
        try:
            with transaction.atomic():
                stripe_event_handle(event=stored.payload)
        except Exception:  # noqa: BLE001  (kept for staff and retried by Stripe)
            log.exception("stripe event %s failed", event_id)
            stored.error = traceback.format_exc()[-4000:]
            stored.save(update_fields=["attempts", "error"])
            return False
        stored.processed_at = timezone.now()
        stored.error = ""
        stored.save(update_fields=["attempts", "error", "processed_at"])
        return True


def connect_event_receive(*, payload: bytes, signature: str) -> int:
    """The Connect webhook: verify, route by ``event.account`` to its business, store
    once in that business's schema, process. Returns the HTTP status for Stripe."""
    try:
        event = connect_event_verify(payload=payload, signature=signature)
    except WebhookError as exc:
        log.warning("connect webhook refused: %s", exc)
        return 400
    account = event.get("account")
    business = Business.objects.filter(stripe_account_id=account).first() if account else None
    if business is None:
        log.info("connect event %s for unknown account %s ignored", event["id"], account)
        return 200
    with tenant_context(business):
        _event_store(event)
        return 200 if stripe_event_process(event_id=event["id"]) else 500


def stripe_event_retry(*, event: StripeEvent, by: User) -> bool:
    require_owner(by)
    return stripe_event_process(event_id=event.event_id)

"""Stripe's webhooks, at the public domain: dj-stripe's endpoint, made strict.

dj-stripe's own view stores a ``WebhookEventTrigger`` for every request with a
signature header, valid or not, and in DEBUG lets an ``X-Djstripe-Webhook-Secret``
header choose the secret. This view checks the signature against the
endpoint's secret first: a bad or missing signature gets 400 and nothing is
stored. A valid one goes through dj-stripe (trigger row, Event, handlers in one
transaction per event id). A failure while processing answers 500 so Stripe
retries; the trigger keeps the error for platform staff, who can reprocess it.
"""

import logging

import stripe
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from djstripe.models import WebhookEndpoint, WebhookEventTrigger

logger = logging.getLogger(__name__)


def signature_is_valid(*, payload: str, header: str, endpoint: WebhookEndpoint) -> bool:
    if not endpoint.secret or not header:
        return False
    try:
        stripe.WebhookSignature.verify_header(
            payload, header, endpoint.secret, endpoint.djstripe_tolerance
        )
    except (stripe.SignatureVerificationError, ValueError):
        return False
    return True


@csrf_exempt
@require_POST
def webhook(request, uuid):
    header = request.headers.get("Stripe-Signature", "")
    if not header:
        return HttpResponseBadRequest("missing signature")
    if "X-Djstripe-Webhook-Secret" in request.headers:
        # dj-stripe lets this header pick the secret in DEBUG: never here
        return HttpResponseBadRequest("unexpected header")
    endpoint = get_object_or_404(WebhookEndpoint, djstripe_uuid=uuid)
    try:
        payload = request.body.decode("utf-8")
    except UnicodeDecodeError:
        return HttpResponseBadRequest("bad payload")
    if not signature_is_valid(payload=payload, header=header, endpoint=endpoint):
        logger.warning("Stripe webhook with a bad signature refused (endpoint %s)", uuid)
        return HttpResponseBadRequest("bad signature")
    try:
        trigger = WebhookEventTrigger.from_request(request, webhook_endpoint=endpoint)
    except Exception:  # noqa: BLE001 - recorded on the trigger; Stripe retries on 500
        logger.exception("Stripe webhook processing failed (endpoint %s)", uuid)
        return HttpResponse("processing failed; will be retried", status=500)
    if not trigger.valid:
        return HttpResponseBadRequest("invalid event")
    return HttpResponse(str(trigger.id))

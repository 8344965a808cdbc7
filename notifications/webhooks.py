"""What the mail provider and Twilio tell us: public doors, each checked by signature.

- ``email_tracking`` (public domain, ``/hooks/email/mailgun/``): django-anymail's own
  Mailgun tracking webhook view (its HMAC signature, and HTTP basic auth when
  ``ANYMAIL["WEBHOOK_SECRET"]`` is set). Its ``tracking`` signal reaches
  ``email_tracking_received``, which records the event in the business the message
  was sent from: the schema named in the message's metadata (``mectofitness.core.mail``
  puts it there), and only if it is a business's schema.
- ``twilio_inbound`` (public domain, ``/hooks/twilio/inbound/``): replies to the
  platform's number. STOP and Twilio's other opt-out words say no to texts, START yes
  again. The number is the platform's, shared by every business, and Twilio itself
  stops all texts from it to a number that replied STOP: so the reply is recorded in
  each business where that number said yes or no before, and nowhere else.
- ``twilio_status`` (a business's subdomain, ``/hooks/twilio/status/``): a text's
  delivery status, posted where ``notifications.sms.text_send`` asked; the business
  is the host's, so another business's message id changes nothing.

Twilio's requests carry ``X-Twilio-Signature`` (checked with its own
``RequestValidator`` and the platform's auth token); a bad one gets 403.

Crosses businesses (the public doors): ``schema_context`` per business, explicitly.
"""

from __future__ import annotations

import logging

from anymail.signals import EventType, RejectReason, tracking
from anymail.webhooks.mailgun import MailgunTrackingWebhookView
from django.conf import settings
from django.db import connection
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_tenants.utils import get_public_schema_name, get_tenant_model, schema_context
from twilio.request_validator import RequestValidator

from mectofitness.core.sms import mobile_number

from .email import email_event_record
from .models_channels import EmailEvent, SmsConsent
from .sms import sms_keyword_received, sms_status_record

logger = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'

# --- e-mail: the provider's delivery events -----------------------------------------------

_mailgun_view = MailgunTrackingWebhookView.as_view()


@csrf_exempt
def email_tracking(request: HttpRequest) -> HttpResponse:
    """Mailgun's delivery events, through anymail's own view (it checks the signature and
    answers 400 to a bad one). 404 while no signing key is set: nothing can be trusted."""
    if not settings.ANYMAIL.get("MAILGUN_WEBHOOK_SIGNING_KEY"):
        raise Http404
    return _mailgun_view(request)


def _business_schema(name: object) -> str | None:
    """``name`` when it is an open business's schema (never the public one)."""
    if not isinstance(name, str) or not name or name == get_public_schema_name():
        return None
    Business = get_tenant_model()  # the business model, named in settings: tenants is above us
    return name if Business.objects.filter(schema_name=name).exists() else None


def _event_type(event) -> str | None:
    if event.event_type == EventType.DELIVERED:
        return EmailEvent.Type.DELIVERED
    if event.event_type == EventType.BOUNCED:
        return EmailEvent.Type.BOUNCED
    if event.event_type == EventType.COMPLAINED:
        return EmailEvent.Type.COMPLAINED
    if event.event_type == EventType.REJECTED and event.reject_reason == RejectReason.BOUNCED:
        return EmailEvent.Type.BOUNCED  # a provider's own list of addresses that bounced
    if event.event_type == EventType.REJECTED and event.reject_reason == RejectReason.SPAM:
        return EmailEvent.Type.COMPLAINED
    return None  # opens, clicks, delays: not kept


@receiver(tracking, dispatch_uid="notifications.email_tracking")
def email_tracking_received(sender, event, esp_name, **kwargs) -> None:
    """Keep a delivered, bounced or complained event in the business that sent it."""
    kind = _event_type(event)
    schema = _business_schema((event.metadata or {}).get("business"))
    if kind is None or schema is None or not event.recipient:
        return
    event_id = event.event_id or f"{event.message_id}:{event.event_type}:{event.recipient}"
    with schema_context(schema):
        email_event_record(
            address=event.recipient,
            type=kind,
            event_id=f"{esp_name}:{event_id}",
            message_id=event.message_id or "",
            detail=event.description or event.mta_response or "",
            at=event.timestamp,
        )


# --- text messages: Twilio ------------------------------------------------------------------


def twilio_signature_valid(request: HttpRequest) -> bool:
    """Whether the request is Twilio's: its signature of this URL and these fields,
    made with the platform's auth token."""
    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    validator = RequestValidator(token)
    return validator.validate(request.build_absolute_uri(), request.POST, signature)


def _twiml(status: int = 200) -> HttpResponse:
    return HttpResponse(EMPTY_TWIML, content_type="text/xml", status=status)


@csrf_exempt
@require_POST
def twilio_inbound(request: HttpRequest) -> HttpResponse:
    """A reply to the platform's number: STOP or START recorded in every business where
    that number has said yes or no (Twilio answers the person itself)."""
    if not twilio_signature_valid(request):
        return HttpResponseForbidden()
    number = mobile_number(request.POST.get("From", ""))
    text = request.POST.get("Body", "")
    if not number:
        return _twiml()
    Business = get_tenant_model()
    public = get_public_schema_name()
    schemas = list(
        Business.objects.exclude(schema_name=public).values_list("schema_name", flat=True)
    )
    for schema in schemas:
        with schema_context(schema):
            if SmsConsent.objects.filter(number=number).exists():
                sms_keyword_received(phone=number, text=text)
    connection.set_schema_to_public()
    return _twiml()


@csrf_exempt
@require_POST
def twilio_status(request: HttpRequest) -> HttpResponse:
    """A text's delivery status from Twilio, for one of this business's texts."""
    if not twilio_signature_valid(request):
        return HttpResponseForbidden()
    sid = request.POST.get("MessageSid") or request.POST.get("SmsSid") or ""
    status = request.POST.get("MessageStatus") or request.POST.get("SmsStatus") or ""
    if sid:
        sms_status_record(sid=sid, status=status, error_code=request.POST.get("ErrorCode", ""))
    return HttpResponse(status=204)

"""E-mail: a notification in the business's own wording, sent once; an unread message
becomes one e-mail after the business's delay; bounced and complained addresses are
left out of every business mail until cleared.

- ``deliver_email`` sends one notification by e-mail: claimed first
  (``claims.delivery_claim``), so a retried task never sends it twice, through the one
  door of business mail (``mectofitness.core.mail.business_message``).
- ``unread_message_emails_send`` (beat, every minute, per business): each MESSAGE
  notification still unread ``NotificationSettings.message_email_after_minutes`` after
  it was made becomes one e-mail, when its person wants e-mail and is not in their
  quiet hours (then at the next run after they end).
- ``email_event_record``: the provider's delivery event (anymail's tracking signal,
  ``notifications.webhooks``): kept against the address; a bounce or a complaint puts
  the address on ``SuppressedAddress``.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name

from accounts.models import User
from mectofitness.core.context_processors import business_url, public_url
from mectofitness.core.mail import PLATFORM_NAME, business_message

from .claims import delivery_claim, delivery_done
from .email_render import (
    Wording,
    render_wording,
    unknown_placeholders,
    wording_for,
)
from .models import Channel, Delivery, Kind, Notification
from .models_channels import (
    EMAIL_BODY_MAX_CHARS,
    EMAIL_SUBJECT_MAX_CHARS,
    EmailEvent,
    EmailTemplate,
    NotificationSettings,
    SuppressedAddress,
)
from .selectors import channel_wanted, quiet_hours_end

logger = logging.getLogger(__name__)

# an unread message older than its delay by more than this is not mailed any more (a
# worker that was down, quiet hours that ended: a day late is still worth one e-mail)
LATE_AT_MOST = dt.timedelta(days=1)


# --- settings and wording ---------------------------------------------------------------


def notification_settings_get() -> NotificationSettings:
    """The business's e-mail and text settings (one query; made with the defaults)."""
    row, _created = NotificationSettings.objects.get_or_create(pk=1)
    return row


@transaction.atomic
def notification_settings_save(
    *, message_email_after_minutes: int, sms_enabled: bool
) -> NotificationSettings:
    row = NotificationSettings.objects.select_for_update().get_or_create(pk=1)[0]
    row.message_email_after_minutes = message_email_after_minutes
    row.sms_enabled = sms_enabled
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def email_template_save(*, kind: str, subject: str, body: str, by: User | None) -> EmailTemplate:
    """The owner's wording for ``kind``. Refused: an empty subject or text, one too long,
    or a placeholder we do not know (a typo would reach every client as written)."""
    subject = " ".join((subject or "").split())
    body = (body or "").replace("\r\n", "\n").strip()
    errors = {}
    if kind not in Kind.values:
        errors["kind"] = _("Unknown kind of e-mail.")
    if not subject:
        errors["subject"] = _("Give the e-mail a subject.")
    elif len(subject) > EMAIL_SUBJECT_MAX_CHARS:
        errors["subject"] = _("Keep the subject under %(n)s characters.") % {
            "n": EMAIL_SUBJECT_MAX_CHARS
        }
    if not body:
        errors["body"] = _("Write the e-mail's text.")
    elif len(body) > EMAIL_BODY_MAX_CHARS:
        errors["body"] = _("Keep the text under %(n)s characters.") % {"n": EMAIL_BODY_MAX_CHARS}
    for field, text in (("subject", subject), ("body", body)):
        unknown = unknown_placeholders(text)
        if unknown and field not in errors:
            errors[field] = _("Unknown placeholder: %(names)s.") % {
                "names": ", ".join(f"{{{{ {name} }}}}" for name in unknown)
            }
    if errors:
        raise ValidationError(errors)
    row, _created = EmailTemplate.objects.update_or_create(
        kind=kind,
        defaults={"subject": subject, "body": body, "updated_by": by, "updated_at": timezone.now()},
    )
    return row


def email_template_reset(*, kind: str) -> bool:
    """Back to the default wording for ``kind``; True when the owner had their own."""
    deleted, _rows = EmailTemplate.objects.filter(kind=kind).delete()
    return bool(deleted)


def _layout_context(business) -> dict:
    return {
        "portal_url": business_url(business.slug, "/"),
        "powered_by_url": public_url("/"),
        "platform_name": PLATFORM_NAME,
    }


def email_preview(*, wording: Wording, business, values: dict[str, str]) -> tuple[str, str, str]:
    """(subject, text, HTML) of ``wording`` as a person would get it, with ``values``
    (the sample's or a notification's) in its placeholders; links made absolute."""
    values = dict(values)
    link = values.get("link", "")
    if link.startswith("/"):
        values["link"] = business_url(business.slug, link)
    return render_wording(
        wording=wording, values=values, business=business, context=_layout_context(business)
    )


# --- suppression --------------------------------------------------------------------------


def suppressed_among(addresses: list[str]) -> set[str]:
    """Which of ``addresses`` (lower case) must not be mailed here (one query). The
    guard of every business mail (``mectofitness.core.mail.mail_guard_register``)."""
    if not addresses or connection.schema_name == get_public_schema_name():
        return set()  # the platform's own mail: no business's list
    return set(
        SuppressedAddress.objects.filter(address__in=[a.casefold() for a in addresses]).values_list(
            "address", flat=True
        )
    )


def suppression_clear(*, address: str) -> bool:
    """Mail ``address`` again (the person fixed their mailbox, or it was a mistake).
    True when it was suppressed."""
    deleted, _rows = SuppressedAddress.objects.filter(address=(address or "").casefold()).delete()
    return bool(deleted)


SUPPRESSING = {EmailEvent.Type.BOUNCED: "bounced", EmailEvent.Type.COMPLAINED: "complained"}


def email_event_record(
    *,
    address: str,
    type: str,  # noqa: A002 (the provider's word)
    event_id: str,
    message_id: str = "",
    detail: str = "",
    at: dt.datetime | None = None,
) -> bool:
    """Keep one delivery event of ``address`` (in the current business); a bounce or a
    complaint stops mail to it. False when the event was recorded before (a webhook
    delivered twice changes nothing twice)."""
    address = (address or "").strip().casefold()
    if not address or not event_id:
        return False
    at = at or timezone.now()
    try:
        with transaction.atomic():
            EmailEvent.objects.create(
                address=address,
                type=type,
                event_id=event_id[:200],
                message_id=(message_id or "")[:300],
                detail=(detail or "")[:300],
                at=at,
            )
            if type in SUPPRESSING:
                SuppressedAddress.objects.update_or_create(
                    address=address,
                    defaults={
                        "reason": SUPPRESSING[type],
                        "detail": (detail or "")[:300],
                        "since": at,
                    },
                )
    except IntegrityError:
        return False
    return True


# --- sending ------------------------------------------------------------------------------


def _values(notification: Notification) -> dict[str, str]:
    user = notification.user
    return {
        "first_name": user.first_name or user.get_short_name() or "",
        "title": notification.title,
        "message_text": notification.body,
        "link": notification.url or "/",
    }


def deliver_email(*, notification: Notification, now: dt.datetime | None = None) -> bool:
    """E-mail ``notification`` to its person in the business's wording, once: claimed
    first, so a second call (a retried task, a second worker) sends nothing. Not sent,
    and kept as such: no address, or an address that bounced or complained. Does not
    ask the person's preferences (the caller did). True when it went out."""
    now = now or timezone.now()
    business = connection.tenant
    delivery = delivery_claim(notification=notification, channel=Channel.EMAIL, now=now)
    if delivery is None:
        return False
    address = (notification.user.email or "").strip()
    if not address or not getattr(business, "slug", None):
        delivery_done(delivery=delivery, status=Delivery.Status.SKIPPED, detail="no address")
        return False
    subject, text, html = email_preview(
        wording=wording_for(notification.kind), business=business, values=_values(notification)
    )
    message = business_message(
        business=business,
        to=address,
        subject=subject,
        rendered=(text, html),
        tag=f"notification-{notification.kind}",
    )
    if message is None:  # bounced or complained before
        delivery_done(delivery=delivery, status=Delivery.Status.SKIPPED, detail="suppressed")
        return False
    try:
        message.send()
    except Exception as exc:  # noqa: BLE001 (any refusal is kept on the claim, not retried)
        logger.warning("notification %s not e-mailed: %s", notification.pk, exc)
        delivery_done(
            delivery=delivery, status=Delivery.Status.FAILED, detail=f"{type(exc).__name__}: {exc}"
        )
        return False
    status = getattr(message, "anymail_status", None)
    delivery_done(
        delivery=delivery,
        status=Delivery.Status.SENT,
        provider_id=(getattr(status, "message_id", None) or ""),
        now=now,
    )
    return True


def unread_messages_due(*, now: dt.datetime, after: dt.timedelta) -> list[Notification]:
    """MESSAGE notifications unread for ``after`` at ``now`` (not longer than
    ``LATE_AT_MOST`` beyond it) and not e-mailed yet, with their people. One query."""
    return list(
        Notification.objects.filter(
            kind=Kind.MESSAGE,
            read_at__isnull=True,
            created_at__lte=now - after,
            created_at__gt=now - after - LATE_AT_MOST,
        )
        .exclude(deliveries__channel=Channel.EMAIL)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def unread_message_emails_send(*, now: dt.datetime | None = None) -> int:
    """In one business: e-mail each message still unread after the business's delay
    (each at most once). Runs outside a transaction: each claim commits before its send.
    Returns how many went out."""
    now = now or timezone.now()
    minutes = notification_settings_get().message_email_after_minutes
    if not minutes:
        return 0
    sent = 0
    for notification in unread_messages_due(now=now, after=dt.timedelta(minutes=minutes)):
        user = notification.user
        if channel_wanted(user=user, kind=Kind.MESSAGE, channel=Channel.EMAIL, now=now):
            sent += deliver_email(notification=notification, now=now)
        elif quiet_hours_end(user=user, now=now) is None:
            # they do not want it (or cannot sign in): settled, not asked every minute
            delivery = delivery_claim(notification=notification, channel=Channel.EMAIL, now=now)
            if delivery is not None:
                delivery_done(
                    delivery=delivery, status=Delivery.Status.SKIPPED, detail="not wanted"
                )
        # else quiet hours: the next run after they end sends it
    return sent

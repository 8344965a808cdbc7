"""E-mail: an unread message becomes one e-mail after the business's delay (never
before, never once read, never twice), in the business's own wording; the mail
provider's signed delivery events stop mail to an address that bounced or complained
until the owner clears it, in that business only."""

import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client as Browser
from django_tenants.utils import tenant_context

from mectofitness.core.mail import send_business_mail
from notifications.email import (
    deliver_email,
    email_template_save,
    suppression_clear,
    unread_message_emails_send,
)
from notifications.models import Delivery, Kind, Notification
from notifications.models_channels import EmailEvent, NotificationSettings, SuppressedAddress
from notifications.services import preferences_save, quiet_hours_save

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
SIGNING_KEY = "key-mailgun-webhook-signing"


@pytest.fixture
def tenant(business):
    with tenant_context(business):
        yield business


@pytest.fixture
def cleo(tenant):
    from clients.tests.factories import person_create

    return person_create(email="cleo@acme.test", role="client", first_name="Cleo")


def _message(user, *, at=NOW, body="Same time next week?", key="m1") -> Notification:
    return Notification.objects.create(
        user=user,
        kind=Kind.MESSAGE,
        title="New message from Kai",
        body=body,
        url="/messages/3/",
        key=key,
        created_at=at,
    )


def _mails_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


# --- an unread message, by e-mail ------------------------------------------------------------


def test_an_unread_message_becomes_one_email_after_the_delay(cleo):
    _message(cleo)
    assert unread_message_emails_send(now=NOW + dt.timedelta(minutes=14)) == 0
    assert unread_message_emails_send(now=NOW + dt.timedelta(minutes=15)) == 1
    assert unread_message_emails_send(now=NOW + dt.timedelta(minutes=15)) == 0  # run twice
    assert unread_message_emails_send(now=NOW + dt.timedelta(minutes=16)) == 0
    (sent,) = _mails_to("cleo@acme.test")
    assert sent.subject == "Acme Strength: New message from Kai"
    assert "Same time next week?" in sent.body
    assert "://acme.localhost/messages/3/" in sent.body
    html = sent.alternatives[0][0]
    assert "Same time next week?" in html and "/messages/3/" in html
    assert "MectoFitness" not in sent.from_email and "Acme Strength" in sent.from_email


def test_the_delay_is_the_businesss_and_zero_turns_it_off(cleo):
    NotificationSettings.objects.create(pk=1, message_email_after_minutes=60)
    _message(cleo)
    assert unread_message_emails_send(now=NOW + dt.timedelta(minutes=59)) == 0
    NotificationSettings.objects.filter(pk=1).update(message_email_after_minutes=0)
    assert unread_message_emails_send(now=NOW + dt.timedelta(minutes=61)) == 0
    NotificationSettings.objects.filter(pk=1).update(message_email_after_minutes=60)
    assert unread_message_emails_send(now=NOW + dt.timedelta(minutes=61)) == 1


def test_a_message_read_in_time_is_not_emailed(cleo):
    message = _message(cleo)
    Notification.objects.filter(pk=message.pk).update(read_at=NOW + dt.timedelta(minutes=3))
    assert unread_message_emails_send(now=NOW + dt.timedelta(minutes=30)) == 0
    assert _mails_to("cleo@acme.test") == []


def test_a_person_who_turned_message_emails_off_gets_none(cleo):
    preferences_save(user=cleo, choices={Kind.MESSAGE: {"email": False}})
    message = _message(cleo)
    assert unread_message_emails_send(now=NOW + dt.timedelta(minutes=20)) == 0
    assert Delivery.objects.get(notification=message, channel="email").status == "skipped"
    assert _mails_to("cleo@acme.test") == []


def test_quiet_hours_hold_the_email_until_they_end(cleo):
    cleo.timezone = "UTC"
    cleo.save(update_fields=["timezone"])
    quiet_hours_save(user=cleo, quiet_from=dt.time(9), quiet_until=dt.time(10))
    _message(cleo, at=NOW - dt.timedelta(minutes=30))
    assert unread_message_emails_send(now=NOW + dt.timedelta(minutes=30)) == 0
    assert unread_message_emails_send(now=NOW + dt.timedelta(minutes=61)) == 1


def test_the_beat_task_is_registered_every_minute_and_fans_out(business):
    from django_celery_beat.models import PeriodicTask

    from notifications.tasks_channels import unread_message_emails_fanout_task

    beat = PeriodicTask.objects.get(
        task="notifications.tasks_channels.unread_message_emails_fanout_task"
    )
    assert beat.enabled and beat.interval.every == 1 and beat.interval.period == "minutes"
    assert unread_message_emails_fanout_task() >= 2  # acme and zen at least


def test_other_kinds_are_emailed_once_by_their_task(cleo):
    from notifications.tasks_channels import notification_email_task

    notice = Notification.objects.create(
        user=cleo, kind=Kind.PAYMENT_FAILED, title="Your payment failed", url="/billing/"
    )
    notification_email_task(notification_id=notice.pk)
    notification_email_task(notification_id=notice.pk)  # a retried task
    (sent,) = _mails_to("cleo@acme.test")
    assert "Your payment failed" in sent.body
    assert Delivery.objects.get(notification=notice, channel="email").status == "sent"


def test_a_new_message_is_not_emailed_at_once_by_the_channel_task(cleo):
    from notifications.tasks_channels import notification_email_task

    notice = _message(cleo)
    notification_email_task(notification_id=notice.pk)
    assert mail.outbox == [] and not Delivery.objects.filter(notification=notice).exists()


# --- the owner's wording ---------------------------------------------------------------------


def test_the_owners_wording_is_used_and_never_run_as_a_template(cleo, owner):
    email_template_save(
        kind=Kind.MESSAGE,
        subject="{{ first_name }}, a word from {{ business_name }}",
        body="<b>Hi</b> {{ first_name }} {% now 'Y' %}\n\n{{ message_text }}\n{{ link }}",
        by=owner,
    )
    deliver_email(notification=_message(cleo, body="<script>x()</script>"), now=NOW)
    (sent,) = mail.outbox
    assert sent.subject == "Cleo, a word from Acme Strength"  # named: no prefix
    assert "<b>Hi</b> Cleo {% now 'Y' %}" in sent.body  # the text part: as written
    html = sent.alternatives[0][0]
    assert "&lt;b&gt;Hi&lt;/b&gt; Cleo {% now &#x27;Y&#x27; %}" in html
    assert "&lt;script&gt;x()&lt;/script&gt;" in html and "<script>" not in html


def test_an_unknown_placeholder_is_refused(tenant, owner):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        email_template_save(kind=Kind.MESSAGE, subject="Hi", body="{{ frist_name }}", by=owner)
    assert "{{ frist_name }}" in str(refused.value.message_dict["body"])


def _owner_page(business, owner) -> Browser:
    browser = Browser(HTTP_HOST=f"{business.slug}.{django_settings.BASE_DOMAIN}")
    with tenant_context(business):
        browser.force_login(owner)
    return browser


def test_the_owner_edits_previews_and_resets_the_wording(business, owner):
    browser = _owner_page(business, owner)
    page = browser.get("/admin/notifications/email/message/")
    assert page.status_code == 200 and "{{ message_text }}" in page.text
    preview = browser.post(
        "/admin/notifications/email/message/preview/",
        {"subject": "Hello {{ first_name }}", "body": "<img src=x onerror=alert(1)> {{ title }}"},
    )
    assert preview.status_code == 200
    assert "&lt;img src=x onerror=alert(1)&gt; New message from Kai" in preview.text
    assert "<img src=x" not in preview.text
    assert "sandbox" in preview["Content-Security-Policy"]
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    with tenant_context(business):
        assert not EmailEvent.objects.exists()  # a preview saves nothing
    saved = browser.post(
        "/admin/notifications/email/message/", {"subject": "Hi {{ first_name }}", "body": "Yo"}
    )
    assert saved.status_code == 302
    bad = browser.post("/admin/notifications/email/message/", {"subject": "Hi", "body": "{{ x }}"})
    assert bad.status_code == 400
    with tenant_context(business):
        from notifications.models_channels import EmailTemplate

        assert EmailTemplate.objects.get(kind="message").body == "Yo"
    assert browser.post("/admin/notifications/email/message/reset/").status_code == 302
    with tenant_context(business):
        assert not EmailTemplate.objects.exists()


def test_a_coach_cannot_change_the_wording(business):
    from clients.tests.factories import person_create

    with tenant_context(business):
        coach = person_create(email="kai@acme.test", role="coach", first_name="Kai")
    browser = _owner_page(business, coach)
    assert browser.get("/admin/notifications/email/").status_code == 403
    assert browser.post("/admin/notifications/email/message/reset/").status_code == 403


# --- delivery events: Mailgun's signed webhook, through anymail's own view ------------------


@pytest.fixture
def signing_key(settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    return SIGNING_KEY


def _mailgun_event(schema: str, *, event="failed", recipient="cleo@acme.test", token="t1"):
    """A Mailgun webhook body as Mailgun signs it (HMAC-SHA256 of timestamp + token)."""
    timestamp = "1780304400"
    signature = hmac.new(
        SIGNING_KEY.encode(), f"{timestamp}{token}".encode(), hashlib.sha256
    ).hexdigest()
    data = {
        "event": event,
        "id": f"evt-{token}",
        "timestamp": 1780304400.5,
        "recipient": recipient,
        "message": {"headers": {"message-id": "20260601090000.1@mg.example.com"}},
        "user-variables": {"business": schema},
        "tags": ["notification-message"],
    }
    if event == "failed":
        data |= {
            "severity": "permanent",
            "reason": "bounce",
            "delivery-status": {"code": 550, "description": "No such mailbox", "message": ""},
        }
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": data,
    }


def _post(public_client, body):
    return public_client.post(
        "/hooks/email/mailgun/", json.dumps(body), content_type="application/json"
    )


def test_a_bounce_stops_mail_to_the_address_until_the_owner_clears_it(
    public_client, signing_key, business, cleo
):
    assert _post(public_client, _mailgun_event(business.schema_name)).status_code == 200
    with tenant_context(business):
        (row,) = SuppressedAddress.objects.all()
        assert (row.address, row.reason) == ("cleo@acme.test", "bounced")
        assert (
            send_business_mail(business=business, to="cleo@acme.test", subject="Hi", body="x") == 0
        )
        message = _message(cleo)
        assert deliver_email(notification=message, now=NOW) is False
        assert Delivery.objects.get(notification=message).detail == "suppressed"
        # another address of the same business still gets mail
        assert (
            send_business_mail(business=business, to="dana@acme.test", subject="Hi", body="x") == 1
        )
        assert suppression_clear(address="Cleo@acme.test")
        assert (
            send_business_mail(business=business, to="cleo@acme.test", subject="Hi", body="x") == 1
        )


def test_a_complaint_stops_mail_and_a_delivery_is_only_kept(public_client, signing_key, business):
    _post(public_client, _mailgun_event(business.schema_name, event="delivered", token="d1"))
    _post(public_client, _mailgun_event(business.schema_name, event="complained", token="c1"))
    _post(public_client, _mailgun_event(business.schema_name, event="complained", token="c1"))
    with tenant_context(business):
        assert sorted(EmailEvent.objects.values_list("type", flat=True)) == [
            "complained",
            "delivered",
        ]  # the redelivered complaint is kept once
        assert SuppressedAddress.objects.get().reason == "complained"


def test_the_owner_clears_an_address_in_the_back_office(
    public_client, signing_key, business, owner
):
    _post(public_client, _mailgun_event(business.schema_name))
    browser = _owner_page(business, owner)
    page = browser.get("/admin/notifications/email/")
    assert "cleo@acme.test" in page.text
    with tenant_context(business):
        pk = SuppressedAddress.objects.get().pk
    assert browser.post(f"/admin/notifications/email/suppressed/{pk}/clear/").status_code == 302
    with tenant_context(business):
        assert not SuppressedAddress.objects.exists()


def test_a_bounce_at_one_business_changes_nothing_at_another(
    public_client, signing_key, business, other_business
):
    _post(public_client, _mailgun_event(business.schema_name, recipient="pat@both.test"))
    with tenant_context(other_business):
        assert not SuppressedAddress.objects.exists() and not EmailEvent.objects.exists()
        assert (
            send_business_mail(business=other_business, to="pat@both.test", subject="Hi", body="x")
            == 1
        )
    with tenant_context(business):
        assert SuppressedAddress.objects.filter(address="pat@both.test").exists()


def test_an_event_naming_no_business_is_ignored(public_client, signing_key, business):
    assert _post(public_client, _mailgun_event("public")).status_code == 200
    assert _post(public_client, _mailgun_event("nope", token="t2")).status_code == 200
    with tenant_context(business):
        assert not EmailEvent.objects.exists()


def test_a_badly_signed_event_is_refused(public_client, signing_key, business):
    body = _mailgun_event(business.schema_name)
    body["signature"]["signature"] = "0" * 64
    assert _post(public_client, body).status_code == 400
    with tenant_context(business):
        assert not SuppressedAddress.objects.exists()


def test_the_webhook_is_off_without_a_signing_key(public_client, settings, business):
    settings.ANYMAIL = {**settings.ANYMAIL, "MAILGUN_WEBHOOK_SIGNING_KEY": ""}
    assert _post(public_client, _mailgun_event(business.schema_name)).status_code == 404

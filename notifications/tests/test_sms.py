"""Text messages: only to numbers that said yes (in the portal), STOP and START
replies honoured, each text's delivery status kept from Twilio's signed callback, all
through Twilio's own client against the local stand-in (devtools/twilio_standin)."""

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.test import Client as Browser
from django_tenants.utils import tenant_context

from devtools.twilio_standin.server import TwilioStandIn
from notifications.models import Delivery, Kind, Notification
from notifications.models_channels import NotificationSettings, SmsConsent, SmsMessage
from notifications.sms import deliver_sms, sms_opt_in, sms_opted_in, text_send

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
NUMBER = "+447700900123"


@pytest.fixture
def twilio(settings):
    with TwilioStandIn() as standin:
        for name, value in standin.settings.items():
            setattr(settings, name, value)
        yield standin


@pytest.fixture
def tenant(business):
    with tenant_context(business):
        yield business


@pytest.fixture
def cleo(tenant):
    from clients.tests.factories import person_create

    return person_create(email="cleo@acme.test", role="client", first_name="Cleo")


def _host(business) -> str:
    return f"{business.slug}.{django_settings.BASE_DOMAIN}"


def _signed_post(browser: Browser, url: str, fields: dict, signature: str):
    path = url.split(_host_of(url), 1)[1]
    return browser.post(path, fields, HTTP_X_TWILIO_SIGNATURE=signature)


def _host_of(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[0]


def test_a_text_goes_only_to_a_number_that_said_yes(twilio, cleo):
    assert text_send(phone=NUMBER, body="Hi") is None
    assert twilio.calls == []
    sms_opt_in(user=cleo, phone="+44 7700 900123", how=SmsConsent.How.PORTAL, now=NOW)
    message = text_send(phone=NUMBER, body="Hi", user=cleo)
    (call,) = twilio.calls
    assert call["form"]["To"] == NUMBER and call["form"]["Body"] == "Hi"
    assert call["form"]["StatusCallback"].endswith("acme.localhost/hooks/twilio/status/")
    assert SmsMessage.objects.get(sid=message.sid).status == "queued"


def test_the_portal_records_who_said_yes_when_and_how(business, cleo, twilio):
    browser = Browser(HTTP_HOST=_host(business))
    browser.force_login(cleo)
    assert browser.get("/profile/texts/").status_code == 200
    refused = browser.post("/profile/texts/", {"phone": "07700 900123", "texts": "on"})
    assert refused.status_code == 400  # no country code: not guessed
    assert (
        browser.post("/profile/texts/", {"phone": "+44 7700 900123", "texts": "on"}).status_code
        == 302
    )
    with tenant_context(business):
        consent = SmsConsent.objects.get()
        assert (consent.number, consent.user_id, consent.opted_in, consent.how) == (
            NUMBER,
            cleo.pk,
            True,
            "portal",
        )
    browser.post("/profile/texts/", {"phone": "+44 7700 900123"})
    with tenant_context(business):
        assert not sms_opted_in(number=NUMBER)


def _inbound(public_client, twilio, body: str, *, signature: str | None = None):
    url = f"http://{django_settings.BASE_DOMAIN}/hooks/twilio/inbound/"
    url, fields, signed = twilio.inbound(NUMBER, body, url)
    return public_client.post(
        "/hooks/twilio/inbound/", fields, HTTP_X_TWILIO_SIGNATURE=signature or signed
    )


def test_stop_and_start_replies_are_honoured(public_client, twilio, business, cleo):
    sms_opt_in(user=cleo, phone=NUMBER, how=SmsConsent.How.PORTAL, now=NOW)
    answer = _inbound(public_client, twilio, "stop")
    assert answer.status_code == 200 and b"<Response>" in answer.content
    with tenant_context(business):
        assert not sms_opted_in(number=NUMBER)
        assert SmsConsent.objects.first().how == "keyword"
        assert text_send(phone=NUMBER, body="Hi") is None
    _inbound(public_client, twilio, "START")
    with tenant_context(business):
        assert sms_opted_in(number=NUMBER)


def test_a_stop_is_recorded_only_where_the_number_said_yes_or_no(
    public_client, twilio, business, other_business, cleo
):
    sms_opt_in(user=cleo, phone=NUMBER, how=SmsConsent.How.PORTAL, now=NOW)
    _inbound(public_client, twilio, "STOP")
    _inbound(public_client, twilio, "START")
    with tenant_context(other_business):
        assert not SmsConsent.objects.exists()  # never said yes there: START adds nothing


def test_a_badly_signed_reply_changes_nothing(public_client, twilio, business, cleo):
    sms_opt_in(user=cleo, phone=NUMBER, how=SmsConsent.How.PORTAL, now=NOW)
    assert _inbound(public_client, twilio, "STOP", signature="forged").status_code == 403
    assert (
        public_client.post("/hooks/twilio/inbound/", {"From": NUMBER, "Body": "STOP"}).status_code
        == 403
    )
    with tenant_context(business):
        assert sms_opted_in(number=NUMBER)


def test_delivery_status_is_kept_from_the_signed_callback(business, twilio, cleo):
    sms_opt_in(user=cleo, phone=NUMBER, how=SmsConsent.How.PORTAL, now=NOW)
    sid = text_send(phone=NUMBER, body="Hi").sid
    browser = Browser(HTTP_HOST=_host(business))
    url, fields, signature = twilio.status_callback(sid, "delivered")
    url = url.replace("https://", "http://")  # the test client speaks http
    signature = twilio.sign(url, fields)
    assert _signed_post(browser, url, fields, signature).status_code == 204
    late, late_fields, _sig = twilio.status_callback(sid, "sent")  # arrives after delivered
    late = late.replace("https://", "http://")
    _signed_post(browser, late, late_fields, twilio.sign(late, late_fields))
    assert _signed_post(browser, url, fields, "forged").status_code == 403
    with tenant_context(business):
        assert SmsMessage.objects.get(sid=sid).status == "delivered"


def test_a_callback_at_another_business_changes_nothing(business, other_business, twilio, cleo):
    sms_opt_in(user=cleo, phone=NUMBER, how=SmsConsent.How.PORTAL, now=NOW)
    sid = text_send(phone=NUMBER, body="Hi").sid
    url = f"http://{_host(other_business)}/hooks/twilio/status/"
    _url, fields, _sig = twilio.status_callback(sid, "failed")
    answer = Browser(HTTP_HOST=_host(other_business)).post(
        "/hooks/twilio/status/", fields, HTTP_X_TWILIO_SIGNATURE=twilio.sign(url, fields)
    )
    assert answer.status_code == 204
    with tenant_context(business):
        assert SmsMessage.objects.get(sid=sid).status == "queued"


def test_an_urgent_notice_is_texted_once_when_the_business_and_person_said_yes(
    twilio, cleo, tenant
):
    notice = Notification.objects.create(
        user=cleo, kind=Kind.PAYMENT_FAILED, title="Your payment failed", url="/billing/"
    )
    sms_opt_in(user=cleo, phone=NUMBER, how=SmsConsent.How.PORTAL, now=NOW)
    assert deliver_sms(notification=notice, now=NOW) is False  # the business: texts off
    NotificationSettings.objects.create(pk=1, sms_enabled=True)
    from notifications.tasks_channels import notification_sms_task

    notification_sms_task(notification_id=notice.pk)
    notification_sms_task(notification_id=notice.pk)  # a retried task
    (call,) = twilio.calls
    assert call["form"]["Body"].startswith("Acme Strength: Your payment failed")
    delivery = Delivery.objects.get(notification=notice, channel="sms")
    assert delivery.status == "sent" and delivery.provider_id.startswith("SM")
    message = Notification.objects.create(user=cleo, kind=Kind.MESSAGE, title="Hi", key="m")
    notification_sms_task(notification_id=message.pk)
    assert len(twilio.calls) == 1  # not urgent: never by text

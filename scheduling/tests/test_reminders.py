"""Reminders: each goes out once, whatever the worker does (runs twice, dies between
claiming and sending), only while it still makes sense, by e-mail and, where Twilio
is set up, by text message (through Twilio's own client, against a local stand-in)."""

from smtplib import SMTPException

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from devtools.twilio_standin.server import TwilioStandIn
from mectofitness.core.sms import mobile_number
from scheduling.models import Reminder, SchedulingSettings
from scheduling.services import booking as svc
from scheduling.services import reminders
from scheduling.services.reminders import reminders_send

from .conftest import NOW, at
from .mailbox import Clock, mails_to

pytestmark = pytest.mark.django_db

SID, TOKEN, SENDER = "AC" + "1" * 32, "twilio-secret", "+15005550006"
WEDNESDAY_10 = at(3, 10)  # the session: Wednesday 3 June, 10:00 in London
DAY_BEFORE = at(2, 10)  # its 24-hour reminder's moment
TWO_HOURS_BEFORE = at(3, 8)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, NOW)


@pytest.fixture
def reminder_hours(tenant):
    return SchedulingSettings.objects.create(pk=1, reminder_hours=[24, 2])


@pytest.fixture
def booked(one_to_one, coach, cleo, client_user, clock, reminder_hours):
    """Cleo's session on Wednesday at 10:00, booked on Monday morning."""
    return svc.session_book(
        client=cleo,
        session_type=one_to_one,
        coach=coach,
        starts_at=WEDNESDAY_10,
        by=client_user,
        now=NOW,
    )


def _claims(booking) -> list[tuple[int, str, str]]:
    return sorted(
        Reminder.objects.filter(booking=booking).values_list("hours_before", "channel", "status")
    )


class WorkerDied(BaseException):
    """The worker's process ending mid-run (a kill, a restart): nothing catches it."""


def test_the_reminder_goes_out_once_however_often_the_worker_runs(booked, clock):
    from scheduling.tasks_notices import booking_reminders_task

    clock.now = DAY_BEFORE
    assert reminders_send(now=clock.advance(minutes=3)) == 1
    assert reminders_send(now=clock.advance(minutes=5)) == 0
    assert booking_reminders_task.delay().get() == 0  # the worker's own run
    (message,) = mails_to("cleo@acme.test")
    assert (
        message.subject == "Acme Strength: Reminder: Personal training on Wednesday 3 June, 10:00"
    )
    assert "10:00–11:00 (Europe/London)" in message.body and "/sessions/" in message.body
    assert message.from_email.startswith("Acme Strength <")
    assert _claims(booked) == [(24, "email", "sent")]


def test_each_reminder_hour_has_its_own_reminder(booked, clock):
    assert reminders_send(now=DAY_BEFORE) == 1
    assert reminders_send(now=TWO_HOURS_BEFORE) == 1
    assert len(mails_to("cleo@acme.test")) == 2
    assert _claims(booked) == [(2, "email", "sent"), (24, "email", "sent")]


def test_a_worker_that_dies_after_claiming_never_sends_it_again(booked, clock, monkeypatch):
    def die(**kwargs):
        raise WorkerDied

    monkeypatch.setattr(reminders, "send_business_mail", die)
    with pytest.raises(WorkerDied):
        reminders_send(now=DAY_BEFORE)
    assert _claims(booked) == [(24, "email", "sending")]  # claimed, never marked
    monkeypatch.undo()
    Clock(monkeypatch, DAY_BEFORE)
    assert reminders_send(now=DAY_BEFORE) == 0  # the restarted worker
    assert mail.outbox == []


def test_a_refused_mail_is_kept_as_failed_and_not_retried(booked, monkeypatch):
    def refuse(**kwargs):
        raise SMTPException("550 mailbox unavailable")

    monkeypatch.setattr(reminders, "send_business_mail", refuse)
    assert reminders_send(now=DAY_BEFORE) == 0
    reminder = Reminder.objects.get(booking=booked)
    assert reminder.status == "failed" and "550 mailbox unavailable" in reminder.error
    monkeypatch.undo()
    assert reminders_send(now=DAY_BEFORE) == 0
    assert mail.outbox == []


def test_a_session_booked_after_the_reminders_moment_gets_none(
    one_to_one, coach, cleo, clock, reminder_hours
):
    clock.now = at(3, 9)  # an hour before
    svc.session_book(
        client=cleo, session_type=one_to_one, coach=coach, starts_at=WEDNESDAY_10, by=coach
    )
    assert reminders_send(now=clock.advance(minutes=5)) == 0
    assert mail.outbox == []


def test_a_reminder_long_overdue_is_skipped(booked):
    # the worker was down from Tuesday morning until Tuesday afternoon
    assert reminders_send(now=at(2, 15)) == 0
    assert not Reminder.objects.exists()


def test_cancelled_and_started_sessions_get_no_reminder(booked, client_user, clock):
    assert reminders_send(now=at(3, 10, 1)) == 0  # started
    svc.booking_cancel(booking=booked, by=client_user, now=NOW)
    assert reminders_send(now=DAY_BEFORE) == 0
    assert mail.outbox == []


def test_a_moved_session_is_reminded_of_its_new_time(booked, coach, clock):
    assert reminders_send(now=DAY_BEFORE) == 1
    clock.now = at(2, 10, 30)
    svc.booking_reschedule(booking=booked, starts_at=at(4, 14), by=coach, now=clock.now)
    assert reminders_send(now=at(3, 14)) == 1
    assert "Thursday 4 June, 14:00" in mails_to("cleo@acme.test")[-1].subject


def test_clients_without_an_address_are_skipped(one_to_one, coach, dana, clock, reminder_hours):
    dana.email = ""
    dana.save(update_fields=["email"])
    svc.session_book(
        client=dana, session_type=one_to_one, coach=coach, starts_at=WEDNESDAY_10, by=coach, now=NOW
    )
    assert reminders_send(now=DAY_BEFORE) == 0
    assert not Reminder.objects.exists()


def test_the_beat_task_fans_out_to_each_open_business(business, booked, clock):
    """Registered by scheduling/platform/migrations/0002: every 5 minutes, public
    schema; it queues one reminders task per open business, in its schema."""
    from django_celery_beat.models import PeriodicTask

    from scheduling.tasks_notices import booking_reminders_fanout_task
    from tenants.models import Business

    beat = PeriodicTask.objects.get(task="scheduling.tasks_notices.booking_reminders_fanout_task")
    assert beat.enabled and beat.interval.every == 5 and beat.interval.period == "minutes"
    clock.now = DAY_BEFORE
    open_businesses = Business.objects.exclude(status__in=list(Business.LOCKED_STATUSES)).exclude(
        schema_name="public"
    )
    assert booking_reminders_fanout_task() == open_businesses.count()
    assert len(mails_to("cleo@acme.test")) == 1
    assert booking_reminders_fanout_task() == open_businesses.count()  # beat's next run
    assert len(mails_to("cleo@acme.test")) == 1
    with tenant_context(business):
        assert _claims(booked) == [(24, "email", "sent")]


# --- text messages (Twilio) ------------------------------------------------------------------


@pytest.fixture
def twilio(settings):
    """The local Twilio stand-in (devtools/twilio_standin) the client is pointed at;
    yields the calls it got."""
    with TwilioStandIn(account_sid=SID, auth_token=TOKEN, sender=SENDER) as standin:
        for name, value in standin.settings.items():
            setattr(settings, name, value)
        yield standin.calls


@pytest.fixture
def texts_on(reminder_hours, cleo):
    from notifications.models_channels import SmsConsent

    reminder_hours.sms_reminders = True
    reminder_hours.save()
    cleo.phone = "+44 7700-900 123"
    cleo.save(update_fields=["phone"])
    # Cleo said yes to texts (notifications.sms): without it, no text reminder
    SmsConsent.objects.create(number="+447700900123", opted_in=True, how="portal")


def test_a_text_reminder_goes_through_twilio_once(twilio, texts_on, booked):
    assert reminders_send(now=DAY_BEFORE) == 2  # the e-mail and the text
    assert reminders_send(now=DAY_BEFORE) == 0
    (call,) = twilio
    assert call["path"] == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert call["form"]["To"] == "+447700900123" and call["form"]["From"] == SENDER
    assert call["form"]["Body"] == (
        "Acme Strength: reminder of Personal training with Kai, Wed 3 Jun, 10:00."
    )
    assert _claims(booked) == [(24, "email", "sent"), (24, "sms", "sent")]


def test_a_number_twilio_refuses_is_kept_as_failed(twilio, texts_on, booked, cleo):
    from notifications.models_channels import SmsConsent

    cleo.phone = TwilioStandIn.refused
    cleo.save(update_fields=["phone"])
    SmsConsent.objects.create(number=TwilioStandIn.refused, opted_in=True, how="portal")
    assert reminders_send(now=DAY_BEFORE) == 1  # the e-mail still goes
    sms = Reminder.objects.get(booking=booked, channel="sms")
    assert sms.status == "failed" and "Invalid 'To' Phone Number" in sms.error
    assert reminders_send(now=DAY_BEFORE) == 0 and len(twilio) == 1


def test_no_text_without_twilio_the_owners_choice_or_a_mobile_number(
    twilio, texts_on, booked, cleo, reminder_hours, settings
):
    settings.TWILIO_AUTH_TOKEN = ""  # Twilio not set up
    assert reminders_send(now=DAY_BEFORE) == 1
    Reminder.objects.all().delete()
    settings.TWILIO_AUTH_TOKEN = TOKEN
    reminder_hours.sms_reminders = False  # the owner turned texts off
    reminder_hours.save()
    assert reminders_send(now=DAY_BEFORE) == 1
    Reminder.objects.all().delete()
    reminder_hours.sms_reminders = True
    reminder_hours.save()
    cleo.phone = "07700 900123"  # no country code: not guessed
    cleo.save(update_fields=["phone"])
    assert reminders_send(now=DAY_BEFORE) == 1
    assert twilio == [] and not Reminder.objects.filter(channel="sms").exists()


def test_no_text_reminder_to_a_number_that_said_no(twilio, texts_on, booked):
    from notifications.models_channels import SmsConsent

    SmsConsent.objects.create(number="+447700900123", opted_in=False, how="keyword")
    assert reminders_send(now=DAY_BEFORE) == 1  # the e-mail only
    assert twilio == [] and not Reminder.objects.filter(channel="sms").exists()


@pytest.mark.parametrize(
    "typed, number",
    [
        ("+44 7700 900123", "+447700900123"),
        ("0044 7700-900-123", "+447700900123"),
        ("+1 (415) 555.0100", "+14155550100"),
        ("07700 900123", ""),
        ("+0 123", ""),
        ("", ""),
    ],
)
def test_mobile_numbers_are_read_in_international_form(typed, number):
    assert mobile_number(typed) == number


# --- the owner's settings (back office) -----------------------------------------------------


def _browser(business, user):
    from django.conf import settings as django_settings
    from django.test import Client as Browser

    browser = Browser(HTTP_HOST=f"{business.slug}.{django_settings.BASE_DOMAIN}")
    browser.force_login(user)
    return browser


SETTINGS_PAGE = "/admin/scheduling/schedulingsettings/1/change/"


def test_the_owner_sets_when_reminders_go_out(business, tenant, owner_user):
    owner = _browser(business, owner_user)
    assert owner.get("/admin/scheduling/schedulingsettings/")["Location"] == SETTINGS_PAGE
    page = owner.get(SETTINGS_PAGE)
    assert page.status_code == 200 and "Text messages are not set up" in page.text
    assert 'name="_save"' in page.text
    saved = owner.post(
        SETTINGS_PAGE,
        {"reminder_hours": "2, 24", "sms_reminders": "on", "meeting_url": "https://meet.test/a"},
    )
    assert saved.status_code == 302
    row = SchedulingSettings.objects.get(pk=1)
    assert row.reminder_hours == [24, 2] and row.sms_reminders
    assert row.meeting_url == "https://meet.test/a"


@pytest.mark.parametrize(
    "typed, message",
    [
        ("0", "1 to 168 hours"),
        ("200", "1 to 168 hours"),
        ("24, 24", "each number of hours once"),
        ("1, 2, 3, 4", "no more than 3"),
        ("soon", "did not validate"),
    ],
)
def test_reminder_hours_outside_a_week_or_repeated_are_refused(
    business, tenant, owner_user, typed, message
):
    page = _browser(business, owner_user).post(
        SETTINGS_PAGE, {"reminder_hours": typed, "meeting_url": ""}
    )
    assert page.status_code == 200 and message in page.text
    assert SchedulingSettings.objects.get(pk=1).reminder_hours == [24]  # the default, kept


def test_a_coach_reads_the_settings_but_cannot_change_them(business, tenant, coach):
    kai = _browser(business, coach)
    page = kai.get(SETTINGS_PAGE)
    assert page.status_code == 200 and 'name="_save"' not in page.text  # read only
    assert kai.post(SETTINGS_PAGE, {"reminder_hours": "1"}).status_code == 403
    assert SchedulingSettings.objects.get(pk=1).reminder_hours == [24]

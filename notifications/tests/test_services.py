"""The bell's services: one notification per key, only for active people, read and
unread; preferences and quiet hours on the person's own clock."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from notifications.models import Channel, Kind, Notification
from notifications.selectors import (
    channel_wanted,
    notification_unread_count,
    preferences_for,
    quiet_hours_end,
)
from notifications.services import (
    notifications_read_all,
    notifications_read_for_url,
    notify,
    preferences_save,
    quiet_hours_save,
)

from .conftest import NOW

pytestmark = pytest.mark.django_db


def test_the_same_key_makes_one_notification(cleo_user):
    first = notify(user=cleo_user, kind=Kind.MESSAGE, title="Kai wrote", key="message:1", now=NOW)
    again = notify(user=cleo_user, kind=Kind.MESSAGE, title="Kai wrote", key="message:1", now=NOW)

    assert first is not None and again is None
    assert Notification.objects.filter(user=cleo_user).count() == 1


def test_the_same_key_for_two_people_makes_one_each(cleo_user, sam_user):
    notify(user=cleo_user, kind=Kind.MESSAGE, title="Hi", key="message:1", now=NOW)
    notify(user=sam_user, kind=Kind.MESSAGE, title="Hi", key="message:1", now=NOW)

    assert Notification.objects.count() == 2


def test_an_inactive_person_gets_nothing(cleo_user):
    cleo_user.is_active = False
    cleo_user.save()

    assert notify(user=cleo_user, kind=Kind.MESSAGE, title="Hi", now=NOW) is None
    assert not Notification.objects.exists()


def test_a_link_elsewhere_is_dropped(cleo_user):
    notification = notify(
        user=cleo_user, kind=Kind.MESSAGE, title="Hi", url="https://evil.test/", now=NOW
    )
    assert notification.url == ""


def test_reading_all_and_by_place(cleo_user):
    notify(user=cleo_user, kind=Kind.MESSAGE, title="a", url="/messages/1/", now=NOW)
    notify(user=cleo_user, kind=Kind.BOOKING, title="b", url="/sessions/", now=NOW)

    assert notifications_read_for_url(user=cleo_user, url="/messages/1/", now=NOW) == 1
    assert notification_unread_count(user=cleo_user) == 1
    assert notifications_read_all(user=cleo_user, now=NOW) == 1
    assert notification_unread_count(user=cleo_user) == 0


def test_the_delivery_is_queued_after_commit(cleo_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        notify(user=cleo_user, kind=Kind.MESSAGE, title="Hi", now=NOW)
    assert len(callbacks) == 1


# --- preferences ----------------------------------------------------------------------


def test_preferences_default_then_the_persons_choice(cleo_user):
    assert preferences_for(user=cleo_user)[Kind.RECORDS] == {
        "push": True,
        "email": False,
        "sms": False,
    }
    preferences_save(user=cleo_user, choices={Kind.RECORDS: {Channel.PUSH: False}})
    preferences_save(user=cleo_user, choices={Kind.RECORDS: {Channel.EMAIL: True}})

    assert preferences_for(user=cleo_user)[Kind.RECORDS] == {
        "push": False,
        "email": True,
        "sms": False,
    }
    assert not channel_wanted(user=cleo_user, kind=Kind.RECORDS, channel=Channel.PUSH, now=NOW)
    assert channel_wanted(user=cleo_user, kind=Kind.RECORDS, channel=Channel.EMAIL, now=NOW)


def test_an_unknown_channel_saves_nothing(cleo_user):
    with pytest.raises(ValidationError):
        preferences_save(
            user=cleo_user,
            choices={Kind.MESSAGE: {Channel.PUSH: False}, Kind.BOOKING: {"pigeon": True}},
        )
    assert preferences_for(user=cleo_user)[Kind.MESSAGE]["push"] is True


# --- quiet hours -----------------------------------------------------------------------


def test_quiet_hours_across_midnight_on_the_persons_clock(cleo_user):
    cleo_user.timezone = "America/New_York"  # UTC-4 in June
    cleo_user.save()
    quiet_hours_save(user=cleo_user, quiet_from=dt.time(22), quiet_until=dt.time(7))

    at = dt.datetime(2026, 6, 2, 3, 0, tzinfo=dt.UTC)  # 23:00 on the 1st in New York
    assert quiet_hours_end(user=cleo_user, now=at) == dt.datetime(2026, 6, 2, 11, tzinfo=dt.UTC)
    early = dt.datetime(2026, 6, 2, 10, 59, tzinfo=dt.UTC)  # 06:59 there
    assert quiet_hours_end(user=cleo_user, now=early) == dt.datetime(2026, 6, 2, 11, tzinfo=dt.UTC)
    assert quiet_hours_end(user=cleo_user, now=dt.datetime(2026, 6, 2, 11, tzinfo=dt.UTC)) is None
    # 09:00 UTC is 05:00 in New York: quiet for her, push waits, e-mail too
    assert not channel_wanted(user=cleo_user, kind=Kind.MESSAGE, channel=Channel.PUSH, now=NOW)
    noon_there = dt.datetime(2026, 6, 1, 16, tzinfo=dt.UTC)
    assert channel_wanted(user=cleo_user, kind=Kind.MESSAGE, channel=Channel.PUSH, now=noon_there)


def test_quiet_hours_within_one_day(cleo_user):
    quiet_hours_save(user=cleo_user, quiet_from=dt.time(8), quiet_until=dt.time(10))
    assert quiet_hours_end(user=cleo_user, now=NOW) is not None
    assert quiet_hours_end(user=cleo_user, now=NOW.replace(hour=10)) is None
    assert quiet_hours_end(user=cleo_user, now=NOW.replace(hour=7, minute=59)) is None


def test_quiet_hours_follow_the_business_clock_without_ones_own(cleo_user, tenant):
    tenant.timezone = "Asia/Tokyo"  # UTC+9: NOW is 18:00 there
    quiet_hours_save(user=cleo_user, quiet_from=dt.time(17), quiet_until=dt.time(19))

    assert quiet_hours_end(user=cleo_user, now=NOW) == dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)


def test_quiet_hours_need_both_ends(cleo_user):
    with pytest.raises(ValidationError) as error:
        quiet_hours_save(user=cleo_user, quiet_from=dt.time(22), quiet_until=None)
    assert "quiet_until" in error.value.message_dict
    with pytest.raises(ValidationError):
        quiet_hours_save(user=cleo_user, quiet_from=dt.time(22), quiet_until=dt.time(22))


def test_clearing_quiet_hours(cleo_user):
    quiet_hours_save(user=cleo_user, quiet_from=dt.time(0), quiet_until=dt.time(23, 59))
    assert quiet_hours_end(user=cleo_user, now=NOW) is not None
    quiet_hours_save(user=cleo_user, quiet_from=None, quiet_until=None)
    assert quiet_hours_end(user=cleo_user, now=NOW) is None


# --- the bell in every page's header --------------------------------------------------------


def test_opening_a_page_reads_its_notifications_and_counts_the_rest_in_one_query(
    cleo_user, sam_user, django_assert_num_queries
):
    from notifications.services import notification_bell_open

    for n, url in enumerate(["/messages/1/", "/messages/1/", "/messages/2/"]):
        notify(user=cleo_user, kind=Kind.MESSAGE, title="Kai wrote", url=url, key=f"m{n}", now=NOW)
    notify(user=sam_user, kind=Kind.MESSAGE, title="Lou wrote", url="/messages/1/", now=NOW)

    with django_assert_num_queries(1):
        assert notification_bell_open(user=cleo_user, url="/messages/1/", now=NOW) == 1
    with django_assert_num_queries(1):  # nothing about this page: only counted
        assert notification_bell_open(user=cleo_user, url="/sessions/", now=NOW) == 1
    # Sam's notification about the same path is his: still unread
    assert notification_unread_count(user=sam_user) == 1
    assert Notification.objects.filter(user=cleo_user, read_at=NOW).count() == 2


def test_the_bell_of_a_page_costs_one_query(business, cleo_user, django_assert_num_queries):
    from django.template import Context, Template
    from django.test import RequestFactory

    notify(user=cleo_user, kind=Kind.MESSAGE, title="Kai wrote", url="/messages/1/", now=NOW)
    request = RequestFactory().get("/messages/1/")
    request.user = cleo_user
    template = Template("{% load notifications_tags %}{% notifications_bell request as n %}{{ n }}")
    with django_assert_num_queries(1):
        assert template.render(Context({"request": request})) == "0"

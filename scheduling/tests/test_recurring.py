"""Weekly bookings: the same wall-clock time each week (across a clock change), all or
nothing or the free weeks, the pack's balance, and who may book them."""

import datetime as dt
import zoneinfo

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client as Browser
from django_tenants.utils import tenant_context
from rest_framework.test import APIClient

from scheduling.models import Appointment, Booking, SessionType
from scheduling.services import booking as svc
from scheduling.services.recurring import WeeklyMode, session_book_weekly, weekly_starts

from .conftest import NOW, at, sessions_left

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def weekly(**given):
    return session_book_weekly(now=NOW, **given)


def api_as(business, user):
    api = APIClient(HTTP_HOST=f"{business.slug}.{settings.BASE_DOMAIN}")
    api.force_authenticate(user)
    return api


@pytest.fixture
def busy_tuesday(dana, one_to_one, coach):
    """Kai is booked with Dana on Tuesday 16 June at 10:00."""
    return svc.session_book(
        client=dana,
        session_type=one_to_one,
        coach=coach,
        starts_at=at(16, 10),
        by=coach,
        now=NOW,
    )


def test_weekly_sessions_keep_their_wall_time_across_the_october_clock_change(
    one_to_one, coach, cleo
):
    # Tuesdays at 10:00 in London; the clocks go back on Sunday 25 October 2026
    first = dt.datetime(2026, 10, 13, 10, tzinfo=LONDON)
    result = weekly(
        client=cleo, session_type=one_to_one, coach=coach, starts_at=first, weeks=3, by=coach
    )
    starts = [b.starts_at for b in result.booked]
    assert [s.astimezone(LONDON).strftime("%a %d %b %H:%M") for s in starts] == [
        "Tue 13 Oct 10:00",
        "Tue 20 Oct 10:00",
        "Tue 27 Oct 10:00",
    ]
    assert [s.astimezone(dt.UTC).hour for s in starts] == [9, 9, 10]  # BST, BST, GMT
    series = {a.series for a in Appointment.objects.filter(bookings__client=cleo)}
    assert series == {result.series} and result.series is not None
    assert result.is_complete and sessions_left(cleo) == 0


def test_a_time_the_spring_clock_change_skips_moves_forward_by_the_gap():
    # 01:30 on Sunday 29 March 2026 does not exist in London: it is 02:30 BST (01:30 UTC)
    first = dt.datetime(2026, 3, 22, 1, 30, tzinfo=LONDON)
    starts = weekly_starts(starts_at=first, weeks=2, tz=LONDON)
    assert [s.astimezone(LONDON).strftime("%d %H:%M") for s in starts] == ["22 01:30", "29 02:30"]


def test_all_or_nothing_books_no_week_when_one_clashes_and_names_it(
    one_to_one, coach, cleo, busy_tuesday
):
    with pytest.raises(ValidationError) as refused:
        weekly(
            client=cleo,
            session_type=one_to_one,
            coach=coach,
            starts_at=at(9, 10),
            weeks=3,
            by=coach,
            mode=WeeklyMode.ALL,
        )
    lines = refused.value.message_dict["starts_at"]
    assert lines == [
        "Nothing was booked: 1 of the 3 weeks is not free.",
        "Tue 16 Jun 10:00: the coach is busy",
    ]
    assert not Booking.objects.filter(client=cleo).exists()
    assert Appointment.objects.count() == 1  # Dana's
    assert sessions_left(cleo) == 3


def test_booking_the_free_weeks_books_the_rest_and_says_why_one_was_left_out(
    one_to_one, coach, cleo, busy_tuesday
):
    result = weekly(
        client=cleo,
        session_type=one_to_one,
        coach=coach,
        starts_at=at(9, 10),
        weeks=3,
        by=coach,
        mode=WeeklyMode.FREE,
    )
    assert [b.starts_at for b in result.booked] == [at(9, 10), at(23, 10)]
    assert [str(c) for c in result.clashes] == ["Tue 16 Jun 10:00: the coach is busy"]
    assert result.clashes[0].starts_at == at(16, 10) and not result.is_complete
    assert set(
        Appointment.objects.filter(bookings__client=cleo).values_list("series", flat=True)
    ) == {result.series}
    assert sessions_left(cleo) == 1


def test_a_client_busy_elsewhere_is_named_as_the_reason(one_to_one, coach, other_coach, cleo):
    stretch = SessionType.objects.create(name="Stretch", payment="free")
    stretch.coaches.add(other_coach)
    svc.session_book(
        client=cleo,
        session_type=stretch,
        coach=other_coach,
        starts_at=at(16, 10, 30),
        by=coach,  # Cleo's coach may book her with anyone
        now=NOW,
    )
    result = weekly(
        client=cleo,
        session_type=one_to_one,
        coach=coach,
        starts_at=at(9, 10),
        weeks=2,
        by=coach,
        mode=WeeklyMode.FREE,
    )
    assert [str(c) for c in result.clashes] == [
        "Tue 16 Jun 10:00: the client has another session then"
    ]


def test_a_pack_with_fewer_sessions_than_weeks_books_none_or_only_what_it_covers(
    one_to_one, coach, cleo
):
    given = dict(client=cleo, session_type=one_to_one, coach=coach, starts_at=at(2, 10), by=coach)
    with pytest.raises(ValidationError) as refused:
        weekly(weeks=5, mode=WeeklyMode.ALL, **given)
    assert refused.value.message_dict["starts_at"] == [
        "Nothing was booked: 2 of the 5 weeks are not free.",
        "Tue 23 Jun 10:00: not enough sessions left in the pack",
        "Tue 30 Jun 10:00: not enough sessions left in the pack",
    ]
    assert sessions_left(cleo) == 3 and not Booking.objects.exists()

    result = weekly(weeks=5, mode=WeeklyMode.FREE, **given)
    assert len(result.booked) == 3 and len(result.clashes) == 2
    assert sessions_left(cleo) == 0


def test_when_no_week_is_free_nothing_is_booked_in_either_mode(one_to_one, coach, tenant):
    from clients.tests.factories import ClientFactory

    broke = ClientFactory(first_name="Bo", primary_coach=coach)
    with pytest.raises(ValidationError) as refused:
        weekly(
            client=broke,
            session_type=one_to_one,
            coach=coach,
            starts_at=at(2, 10),
            weeks=2,
            by=coach,
            mode=WeeklyMode.FREE,
        )
    assert refused.value.message_dict["starts_at"][0] == (
        "Nothing was booked: none of the 2 weeks is free."
    )
    assert not Booking.objects.exists()


def test_only_staff_book_weekly_and_a_coach_only_for_their_own_clients(
    one_to_one, coach, other_coach, cleo, client_user
):
    given = dict(client=cleo, session_type=one_to_one, starts_at=at(2, 10), weeks=2)
    with pytest.raises(PermissionDenied):
        weekly(coach=coach, by=client_user, **given)  # the client herself
    one_to_one.coaches.add(other_coach)
    with pytest.raises(PermissionDenied):
        weekly(coach=other_coach, by=other_coach, **given)  # not Lou's client
    assert not Booking.objects.exists() and sessions_left(cleo) == 3


@pytest.mark.parametrize("weeks", [1, 27])
def test_weeks_outside_two_to_twenty_six_are_refused(one_to_one, coach, cleo, weeks):
    with pytest.raises(ValidationError) as refused:
        weekly(
            client=cleo,
            session_type=one_to_one,
            coach=coach,
            starts_at=at(2, 10),
            weeks=weeks,
            by=coach,
        )
    assert "weeks" in refused.value.message_dict


def test_a_refusal_that_holds_every_week_is_said_once(one_to_one, coach, cleo):
    one_to_one.is_active = False
    one_to_one.save()
    with pytest.raises(ValidationError) as refused:
        weekly(
            client=cleo,
            session_type=one_to_one,
            coach=coach,
            starts_at=at(2, 10),
            weeks=3,
            by=coach,
        )
    assert refused.value.message_dict == {"session_type": ["This session is not offered any more."]}


# --- the API ---------------------------------------------------------------------------


def _body(one_to_one, coach, cleo, **more):
    return {
        "client": cleo.pk,
        "session_type": one_to_one.pk,
        "coach": coach.pk,
        "starts_at": at(9, 10).isoformat(),
        "weeks": 3,
        **more,
    }


def test_the_api_books_the_free_weeks_and_lists_the_clash(
    frozen, tenant, one_to_one, coach, cleo, busy_tuesday
):
    made = api_as(tenant, coach).post(
        "/api/v1/bookings/weekly/", _body(one_to_one, coach, cleo, mode="free"), format="json"
    )
    assert made.status_code == 201, made.json()
    answer = made.json()
    assert [b["starts_at"][:16] for b in answer["booked"]] == [
        "2026-06-09T09:00",
        "2026-06-23T09:00",
    ]
    assert answer["clashes"] == [
        {
            "starts_at": at(16, 10).isoformat(),
            "reason": "the coach is busy",
            "message": "Tue 16 Jun 10:00: the coach is busy",
        }
    ]
    assert Appointment.objects.filter(series=answer["series"]).count() == 2


def test_the_api_answers_400_with_the_clashing_week_and_books_nothing_all_or_nothing(
    frozen, tenant, one_to_one, coach, cleo, busy_tuesday
):
    refused = api_as(tenant, coach).post(
        "/api/v1/bookings/weekly/", _body(one_to_one, coach, cleo), format="json"
    )
    assert refused.status_code == 400
    assert "Tue 16 Jun 10:00: the coach is busy" in refused.json()["starts_at"]
    assert not Booking.objects.filter(client=cleo).exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"weeks": 30}, "weeks"),
        ({"weeks": "many"}, "weeks"),
        ({"mode": "some"}, "mode"),
        ({"starts_at": "tuesday"}, "starts_at"),
        ({"session_type": 99999}, "session_type"),
    ],
)
def test_bad_weekly_bodies_are_400_with_the_field(
    frozen, tenant, one_to_one, coach, cleo, change, field
):
    answer = api_as(tenant, coach).post(
        "/api/v1/bookings/weekly/", _body(one_to_one, coach, cleo, **change), format="json"
    )
    assert answer.status_code == 400 and field in answer.json()


def test_a_client_may_not_book_weekly_through_the_api(
    frozen, tenant, one_to_one, coach, cleo, client_user
):
    answer = api_as(tenant, client_user).post(
        "/api/v1/bookings/weekly/", _body(one_to_one, coach, cleo), format="json"
    )
    assert answer.status_code == 403 and not Booking.objects.exists()


def test_another_coachs_client_is_not_theirs_to_book(
    frozen, tenant, one_to_one, coach, other_coach, cleo
):
    one_to_one.coaches.add(other_coach)
    answer = api_as(tenant, other_coach).post(
        "/api/v1/bookings/weekly/", _body(one_to_one, other_coach, cleo), format="json"
    )
    assert answer.status_code == 400 and "client" in answer.json()
    assert not Booking.objects.exists()


def test_another_businesss_session_is_not_let_in(
    frozen, tenant, other_business, one_to_one, coach, cleo
):
    from accounts.models import User

    zen = Browser(HTTP_HOST=f"{other_business.slug}.{settings.BASE_DOMAIN}")
    with tenant_context(other_business):
        zen.force_login(User.objects.get(email="owner@zen.test"))
    api = APIClient(HTTP_HOST=f"{tenant.slug}.{settings.BASE_DOMAIN}")
    api.cookies = zen.cookies
    answer = api.post("/api/v1/bookings/weekly/", _body(one_to_one, coach, cleo), format="json")
    with tenant_context(tenant):
        assert answer.status_code == 401 and not Booking.objects.exists()

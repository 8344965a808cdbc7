"""Video links of online sessions: the type's own link, the business's standing link, or
a Zoom meeting made, moved and deleted through Zoom's API. Zoom is the local stand-in
(devtools/zoom_standin/), reached through the real client code; it checks the bearer
token and the JSON body as Zoom does. Zoom failing never loses a booking."""

import logging

import pytest
import requests

from devtools.zoom_standin.server import ZoomStandIn
from scheduling.models import Appointment, SchedulingSettings, SessionType
from scheduling.services.booking import (
    appointment_move,
    booking_cancel,
    class_schedule,
    session_book,
)
from scheduling.services.video import zoom_is_configured

from .conftest import NOW, at

pytestmark = pytest.mark.django_db

STANDING = "https://meet.example/acme-standing"


@pytest.fixture
def zoom(settings):
    """Zoom's API, locally, and the settings that point the video service at it."""
    with ZoomStandIn() as server:
        for name, value in server.settings.items():
            setattr(settings, name, value)
        yield server


@pytest.fixture
def online(tenant, coach):
    """Online coaching, 60 minutes, with no link of its own."""
    kind = SessionType.objects.create(
        name="Online coaching", location_kind="online", payment="free", duration_minutes=60
    )
    kind.coaches.add(coach)
    return kind


def _booking_settings(**fields):
    SchedulingSettings.objects.update_or_create(pk=1, defaults=fields)


@pytest.fixture
def zoom_on(tenant):
    _booking_settings(meeting_url=STANDING, zoom_meetings=True)


@pytest.fixture
def book(cleo, coach, online, django_capture_on_commit_callbacks):
    """Book Cleo's online session with Kai (Tuesday 2 June, 10:00 London) and run what
    the booking queued once it commits: the Zoom task, eagerly."""

    def book(starts_at=None, session_type=None):
        with django_capture_on_commit_callbacks(execute=True):
            booking = session_book(
                client=cleo,
                session_type=session_type or online,
                coach=coach,
                starts_at=starts_at or at(2, 10),
                by=coach,
                now=NOW,
            )
        return Appointment.objects.get(pk=booking.appointment_id), booking

    return book


# --- which link ---------------------------------------------------------------------------


def test_an_online_session_gets_its_type_s_own_link_and_no_meeting(zoom, zoom_on, online, book):
    online.meeting_url = "https://meet.example/kai-room"
    online.save()
    appointment, _booking = book()
    assert appointment.meeting_url == "https://meet.example/kai-room"
    assert appointment.meeting_id == "" and zoom.calls == []


def test_without_zoom_an_online_session_gets_the_business_s_standing_link(zoom, tenant, book):
    _booking_settings(meeting_url=STANDING, zoom_meetings=False)
    appointment, _booking = book()
    assert appointment.meeting_url == STANDING and appointment.meeting_id == ""
    assert zoom.calls == []


def test_with_zoom_switched_on_but_not_set_up_the_standing_link_is_used(settings, zoom_on, book):
    settings.ZOOM_ACCOUNT_ID = settings.ZOOM_CLIENT_ID = settings.ZOOM_CLIENT_SECRET = ""
    assert not zoom_is_configured()
    appointment, _booking = book()
    assert appointment.meeting_url == STANDING and appointment.meeting_id == ""


def test_an_in_person_session_gets_no_link(zoom, zoom_on, one_to_one, book):
    appointment, _booking = book(session_type=one_to_one)
    assert appointment.meeting_url == "" and zoom.calls == []


# --- Zoom meetings ------------------------------------------------------------------------


def test_with_zoom_each_online_booking_gets_a_meeting_of_its_own(zoom, zoom_on, book):
    appointment, _booking = book()
    meeting = zoom.meetings[int(appointment.meeting_id)]
    assert appointment.meeting_url == meeting["join_url"] != STANDING
    assert meeting["topic"] == "Online coaching with Kai"
    assert meeting["start_time"] == "2026-06-02T09:00:00Z"  # 10:00 in London
    assert (meeting["duration"], meeting["timezone"], meeting["type"]) == (60, "Europe/London", 2)
    token, create = zoom.calls
    assert (token.method, token.path) == ("POST", "/oauth/token")
    assert (create.method, create.path) == ("POST", "/v2/users/me/meetings")
    assert create.headers["Authorization"].startswith("Bearer standin_")


def test_moving_a_session_moves_its_meeting(
    zoom, zoom_on, book, coach, django_capture_on_commit_callbacks
):
    appointment, _booking = book()
    with django_capture_on_commit_callbacks(execute=True):
        appointment_move(appointment=appointment, starts_at=at(3, 14), by=coach, now=NOW)
    meeting = zoom.meetings[int(appointment.meeting_id)]
    assert meeting["start_time"] == "2026-06-03T13:00:00Z"
    assert zoom.calls[-1].method == "PATCH"
    assert Appointment.objects.get(pk=appointment.pk).meeting_url == meeting["join_url"]


def test_cancelling_a_one_to_one_deletes_its_meeting(
    zoom, zoom_on, book, coach, django_capture_on_commit_callbacks
):
    appointment, booking = book()
    meeting_id = int(appointment.meeting_id)
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, by=coach, now=NOW)
    assert zoom.deleted == [meeting_id] and meeting_id not in zoom.meetings
    assert Appointment.objects.get(pk=appointment.pk).meeting_id == ""


def test_an_online_class_gets_a_meeting_when_it_is_scheduled(
    zoom, zoom_on, coach, django_capture_on_commit_callbacks
):
    yoga = SessionType.objects.create(
        name="Online yoga", location_kind="online", payment="free", capacity=12
    )
    yoga.coaches.add(coach)
    with django_capture_on_commit_callbacks(execute=True):
        appointment = class_schedule(session_type=yoga, coach=coach, starts_at=at(4, 18), by=coach)
    appointment.refresh_from_db()
    assert zoom.meetings[int(appointment.meeting_id)]["topic"] == "Online yoga with Kai"


def test_one_token_serves_many_calls_and_a_revoked_one_is_renewed_once(zoom, zoom_on, book):
    book(starts_at=at(2, 10))
    book(starts_at=at(2, 14))
    assert zoom.token_requests == 1
    zoom.tokens_revoke()
    appointment, _booking = book(starts_at=at(3, 10))
    assert appointment.meeting_id and zoom.token_requests == 2
    assert [c.path for c in zoom.calls[-3:]] == [
        "/v2/users/me/meetings",  # 401: the token was revoked
        "/oauth/token",
        "/v2/users/me/meetings",
    ]


# --- Zoom failing ---------------------------------------------------------------------------


def test_zoom_down_for_a_while_the_task_retries_and_the_meeting_comes(zoom, zoom_on, book, caplog):
    zoom.fail_next(2, status=503)
    with caplog.at_level(logging.WARNING, logger="scheduling.tasks"):
        appointment, _booking = book()
    assert appointment.meeting_id and appointment.meeting_url != STANDING
    assert len(zoom.meetings) == 1
    assert "not synced (try 0)" in caplog.text and "HTTP 503" in caplog.text


def test_zoom_down_for_good_keeps_the_booking_with_the_standing_link(zoom, zoom_on, book, caplog):
    zoom.fail_next(50, status=500)
    with caplog.at_level(logging.WARNING, logger="scheduling.tasks"):
        appointment, booking = book()
    assert booking.pk and booking.status == "booked"
    assert appointment.meeting_url == STANDING and appointment.meeting_id == ""
    assert "not synced (try 6)" in caplog.text  # the last try is logged as an error
    assert [r.levelname for r in caplog.records if "try 6" in r.getMessage()] == ["ERROR"]


def test_wrong_zoom_credentials_keep_the_booking_with_the_standing_link(
    settings, zoom, zoom_on, book, caplog
):
    settings.ZOOM_CLIENT_SECRET = "not-the-secret"
    with caplog.at_level(logging.WARNING, logger="scheduling.tasks"):
        appointment, _booking = book()
    assert appointment.meeting_url == STANDING and not zoom.meetings
    assert "refused the app's credentials" in caplog.text


def test_the_stand_in_refuses_what_zoom_would(zoom):
    token = requests.post(
        zoom.settings["ZOOM_OAUTH_URL"],
        params={"grant_type": "account_credentials", "account_id": zoom.account_id},
        auth=(zoom.client_id, zoom.client_secret),
        timeout=5,
    ).json()["access_token"]
    meetings = zoom.settings["ZOOM_API_BASE"] + "/users/me/meetings"
    good = {
        "topic": "x",
        "type": 2,
        "start_time": "2026-06-02T09:00:00Z",
        "duration": 60,
        "timezone": "Europe/London",
    }
    bearer = {"Authorization": f"Bearer {token}"}
    assert requests.post(meetings, json=good, timeout=5).status_code == 401
    assert requests.post(meetings, json=good, headers=bearer, timeout=5).status_code == 201
    for bad in ({"duration": "60"}, {"type": 1}, {"timezone": "Mars/Base"}, {"topic": ""}):
        answer = requests.post(meetings, json=good | bad, headers=bearer, timeout=5)
        assert answer.status_code == 400 and answer.json()["code"] == 300

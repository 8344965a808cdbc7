"""Video links for online sessions: every online appointment gets one.

Which link: the session type's own (``SessionType.meeting_url``: a coach's personal
room, say), else a Zoom meeting made for the session when Zoom is set up (the
``ZOOM_*`` settings) and the business asked for one
(``SchedulingSettings.zoom_meetings``), else the business's standing link
(``SchedulingSettings.meeting_url``).

When: the transaction that books, schedules, moves or cancels an appointment calls
``meeting_sync`` once. It gives the appointment its standing link at once (so the
confirmation, the portal and the calendar always have one) and, when Zoom is in play,
queues ``appointment_meeting_sync_task`` for once the transaction commits: the task
makes the meeting (its join link then replaces the standing one), moves it (PATCH) or
deletes it (a cancelled one-to-one). Zoom is never called inside a booking's
transaction: Zoom being slow or down never holds up a booking nor loses it. A failed
call is logged and retried by the task (1, 2, 4... minutes, six times); until then the
session keeps its standing link, if the business has one.

Zoom's side is its Server-to-Server OAuth app of the platform: a token from
``ZOOM_OAUTH_URL`` (kept in the cache until shortly before it expires; a 401 fetches a
new one once), then ``/users/me/meetings`` and ``/meetings/<id>`` under
``ZOOM_API_BASE``. Locally, ``devtools/zoom_standin`` plays Zoom.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

import requests
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from mectofitness.core.tasks import enqueue_on_commit

from ..models import Appointment, SchedulingSettings, SessionType
from ..selectors import business_zone

logger = logging.getLogger(__name__)

SYNC_TASK = "scheduling.tasks.appointment_meeting_sync_task"
ZOOM_SECONDS = 10
# a token is dropped this long before Zoom says it expires: a call never starts with
# one that runs out on the way
TOKEN_MARGIN = 300


class ZoomError(Exception):
    """Zoom could not be reached or refused a call; the task retries."""


def zoom_is_configured() -> bool:
    """Whether the platform has a Zoom app (all three of its credentials set)."""
    return bool(
        settings.ZOOM_ACCOUNT_ID and settings.ZOOM_CLIENT_ID and settings.ZOOM_CLIENT_SECRET
    )


def _booking_settings() -> SchedulingSettings | None:
    return SchedulingSettings.objects.filter(pk=1).first()


def _wants_zoom(appointment: Appointment, booking_settings: SchedulingSettings | None) -> bool:
    return (
        appointment.location_kind == SessionType.Location.ONLINE
        and not appointment.session_type.meeting_url
        and booking_settings is not None
        and booking_settings.zoom_meetings
        and zoom_is_configured()
    )


def meeting_sync(*, appointment: Appointment) -> None:
    """Inside the transaction that booked, scheduled, moved or cancelled ``appointment``:
    give an online session its standing link now (the type's, else the business's), and
    queue its Zoom meeting's creation, move or deletion for once the transaction
    commits. One query for an online session (the booking settings); none otherwise."""
    online = appointment.location_kind == SessionType.Location.ONLINE
    if not online and not appointment.meeting_id:
        return
    booking_settings = _booking_settings() if online else None
    scheduled = appointment.status == Appointment.Status.SCHEDULED
    if scheduled and online and not appointment.meeting_url:
        standing = appointment.session_type.meeting_url or getattr(
            booking_settings, "meeting_url", ""
        )
        if standing:
            Appointment.objects.filter(pk=appointment.pk).update(meeting_url=standing)
            appointment.meeting_url = standing
    if appointment.meeting_id or (scheduled and _wants_zoom(appointment, booking_settings)):
        enqueue_on_commit(SYNC_TASK, appointment_id=appointment.pk)


def appointment_meeting_sync(*, appointment: Appointment) -> Appointment:
    """Bring ``appointment``'s Zoom meeting in line with it (the task's work): make one
    for a scheduled online session that should have one, move an existing one to the
    session's time, delete it for a cancelled session. Raises ``ZoomError`` when Zoom
    fails; what was done before stays done. Safe to run twice: a meeting made by a run
    that lost a race is deleted again."""
    appointment = Appointment.objects.select_related("session_type", "coach").get(pk=appointment.pk)
    if appointment.meeting_id and not zoom_is_configured():
        return appointment  # Zoom was switched off: its meetings are left as they are
    if appointment.status != Appointment.Status.SCHEDULED:
        if appointment.meeting_id:
            _zoom_meeting_delete(appointment.meeting_id)
            Appointment.objects.filter(pk=appointment.pk, meeting_id=appointment.meeting_id).update(
                meeting_id=""
            )
            appointment.meeting_id = ""
        return appointment
    if appointment.meeting_id:
        if _zoom_meeting_update(appointment.meeting_id, _meeting_details(appointment)):
            return appointment
        # deleted at Zoom by hand: a new one is made below
        Appointment.objects.filter(pk=appointment.pk, meeting_id=appointment.meeting_id).update(
            meeting_id=""
        )
        appointment.meeting_id = ""
    if not _wants_zoom(appointment, _booking_settings()):
        return appointment
    meeting = _zoom_meeting_create(_meeting_details(appointment))
    with transaction.atomic():
        current = Appointment.objects.select_for_update().get(pk=appointment.pk)
        kept = current.status == Appointment.Status.SCHEDULED and not current.meeting_id
        if kept:
            current.meeting_id, current.meeting_url = meeting["id"], meeting["join_url"]
            current.save(update_fields=["meeting_id", "meeting_url", "updated_at"])
    if not kept:
        # cancelled meanwhile, or another run made its meeting first
        _zoom_meeting_delete(meeting["id"])
    elif (current.starts_at, current.ends_at) != (appointment.starts_at, appointment.ends_at):
        # moved while the meeting was being made: that move's run found no meeting yet
        _zoom_meeting_update(current.meeting_id, _meeting_details(current))
    return current


def _meeting_details(appointment: Appointment) -> dict:
    """What Zoom is told: the session and its coach's first name (never the client's:
    the meetings live in the platform's Zoom account), its time and length."""
    coach = appointment.coach
    topic = _("%(session)s with %(coach)s") % {
        "session": appointment.session_type.name,
        "coach": coach.first_name or coach.email.split("@")[0],
    }
    minutes = (appointment.ends_at - appointment.starts_at) // dt.timedelta(minutes=1)
    return {
        "topic": topic[:200],
        "type": 2,  # a scheduled meeting
        "start_time": appointment.starts_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration": minutes,
        "timezone": business_zone().key,
    }


# --- Zoom's API ---------------------------------------------------------------------------


def _token_key() -> str:
    # the platform's one Zoom app, the same for every business (no tenant in the key);
    # the credentials are in it so that new ones never meet an old token
    who = f"{settings.ZOOM_OAUTH_URL}|{settings.ZOOM_ACCOUNT_ID}|{settings.ZOOM_CLIENT_ID}"
    return "zoom:token:" + hashlib.sha256(who.encode()).hexdigest()[:24]


def _zoom_token(*, fresh: bool = False) -> str:
    """An access token of the platform's Zoom app, from the cache unless ``fresh``."""
    if not fresh and (token := cache.get(_token_key())):
        return token
    try:
        response = requests.post(
            settings.ZOOM_OAUTH_URL,
            params={"grant_type": "account_credentials", "account_id": settings.ZOOM_ACCOUNT_ID},
            auth=(settings.ZOOM_CLIENT_ID, settings.ZOOM_CLIENT_SECRET),
            timeout=ZOOM_SECONDS,
        )
    except requests.RequestException as exc:
        raise ZoomError(f"Zoom's sign-in could not be reached: {exc}") from exc
    if response.status_code != 200:
        raise ZoomError(f"Zoom refused the app's credentials (HTTP {response.status_code})")
    try:
        data = response.json()
        token, lifetime = data["access_token"], int(data.get("expires_in", 3600))
    except (ValueError, KeyError, TypeError) as exc:
        raise ZoomError("Zoom's sign-in answered without a token") from exc
    cache.set(_token_key(), token, timeout=max(lifetime - TOKEN_MARGIN, 30))
    return token


def _zoom_call(method: str, path: str, body: dict | None = None) -> requests.Response:
    """One call to Zoom's API; a 401 (the token revoked or expired early) gets a new
    token and one more try."""
    url = settings.ZOOM_API_BASE.rstrip("/") + path
    for fresh in (False, True):
        headers = {"Authorization": f"Bearer {_zoom_token(fresh=fresh)}"}
        try:
            response = requests.request(
                method, url, json=body, headers=headers, timeout=ZOOM_SECONDS
            )
        except requests.RequestException as exc:
            raise ZoomError(f"Zoom could not be reached: {exc}") from exc
        if response.status_code != 401:
            break
    return response


def _refused(response: requests.Response, what: str) -> ZoomError:
    return ZoomError(f"Zoom refused to {what} (HTTP {response.status_code}): {response.text[:200]}")


def _zoom_meeting_create(details: dict) -> dict:
    """The new meeting's id (as text) and join link."""
    response = _zoom_call("POST", "/users/me/meetings", details)
    if response.status_code not in (200, 201):
        raise _refused(response, "make a meeting")
    try:
        data = response.json()
        return {"id": str(data["id"]), "join_url": str(data["join_url"])}
    except (ValueError, KeyError, TypeError) as exc:
        raise ZoomError("Zoom made a meeting but gave no id or join link") from exc


def _zoom_meeting_update(meeting_id: str, details: dict) -> bool:
    """Move a meeting; False when Zoom no longer has it (404)."""
    response = _zoom_call("PATCH", f"/meetings/{meeting_id}", details)
    if response.status_code == 404:
        return False
    if response.status_code not in (200, 204):
        raise _refused(response, "move a meeting")
    return True


def _zoom_meeting_delete(meeting_id: str) -> None:
    """Delete a meeting; one Zoom no longer has (404) is as good as deleted."""
    response = _zoom_call("DELETE", f"/meetings/{meeting_id}")
    if response.status_code not in (200, 204, 404):
        raise _refused(response, "delete a meeting")

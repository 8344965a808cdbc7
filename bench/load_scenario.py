"""What the load scenario's people do (``make bench ARGS=--load``, bench/load.py).

Each task is one thing a person does, as their browser asks for it: the pages they open
and what the pages' scripts send. A task gets an ``http`` object (``get`` and ``post``
with a request kind as ``name``; bench/load_locust.py gives locust's client,
mectofitness/tests/test_load_scenario.py Django's test client), the ``person`` (a dict
made by bench/load.py: their ids, their CSRF token, and what they may open) and a
``pause`` to call where a person reads a page before the next click. Neither locust nor
Django is imported here: the test must not load gevent's monkey-patching.

Clients (most people):

    today      the portal's home ("/")
    workout    the workout list, today's workout in the logger, then the sets logged
               offline sent in one request, as the service worker does
               (``POST /api/v1/workout-sync/``, static/js/programs-logging-sync.js)
    messages   their conversation (which marks it read), then a message sent through
               the API as the page's script does (static/js/messaging.js)
    book       their sessions, a day of free times, a time confirmed and booked, then
               cancelled from their sessions page (so free times never run out)

Coaches (about one person in twenty): Today (``/admin/``), the client list, and a
check-in and a workout to review.

An answer is an error when it is not 2xx or 3xx, or when it sends the person to sign in
(``failure``). A time taken by someone else between the picker and the confirmation is
not an error (the product sends the person back to pick again): ``book`` returns
``"conflict"`` then, and bench/load.py counts them.
"""

from __future__ import annotations

import datetime as dt
import html
import random
import re
import uuid
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

# seconds a person spends between two actions, and reading a page within one
THINK_SECONDS = (10.0, 30.0)
READ_SECONDS = (2.0, 5.0)
# locust's weights: people of each kind, and each kind's tasks
CLIENT_WEIGHT, COACH_WEIGHT = 19, 1
# where a signed-out person is sent: a redirect there is an error
SIGN_IN = ("/accounts/login", "/admin/login", "/accounts/2fa", "/signin")

CONFIRM = re.compile(r'href="(/sessions/book/\d+/confirm/\?[^"]+)"')
CANCEL = re.compile(r'href="(/sessions/\d+/cancel/)"')


class Answer(Protocol):
    status_code: int
    text: str
    headers: Any


class Http(Protocol):
    def get(self, path: str, *, name: str) -> Answer: ...

    def post(
        self,
        path: str,
        *,
        name: str,
        form: dict | None = None,
        json: dict | None = None,
        headers: dict | None = None,
    ) -> Answer: ...


def failure(status: int, location: str = "") -> str | None:
    """Why an answer counts as an error, or None when it does not."""
    if not 200 <= status < 400:
        return f"HTTP {status}"
    if status >= 300 and any(door in location for door in SIGN_IN):
        return f"HTTP {status} to sign in"
    return None


def _form(person: dict, **fields) -> dict:
    return {"csrfmiddlewaretoken": person["csrf"], **fields}


def _json_headers(person: dict) -> dict:
    return {"X-CSRFToken": person["csrf"], "Accept": "application/json"}


# --- clients ------------------------------------------------------------------------


def client_today(http: Http, person: dict, pause: Callable[[], None]) -> None:
    http.get("/", name="client: today")


def _set_values(kind: str) -> dict:
    """A set's numbers as the logger sends them for an exercise measured by ``kind``."""
    if kind == "time":
        return {"duration_seconds": 45}
    if kind in ("distance", "time_distance"):
        return {"distance_m": 400, "duration_seconds": 120}
    if kind == "reps":
        return {"reps": 10}
    return {"reps": 8, "load_kg": "40", "rpe": "7.5"}


def workout_sync_body(person: dict, *, now: dt.datetime) -> dict:
    """Today's workout, every prescribed set logged, as the phone's queue sends it."""
    workout = person["workout"]
    started = now - dt.timedelta(minutes=50)
    sets = []
    for index, (prescription, exercise, count, kind) in enumerate(workout["prescriptions"]):
        for number in range(1, count + 1):
            logged = started + dt.timedelta(minutes=2 * index + number)
            sets.append(
                {
                    "client_uuid": str(uuid.uuid4()),
                    "prescription": prescription,
                    "exercise": exercise,
                    "set_number": number,
                    "logged_at": logged.isoformat(),
                    **_set_values(kind),
                }
            )
    return {
        "workout": {
            "client_uuid": str(uuid.uuid4()),
            "scheduled": workout["scheduled"],
            "name": workout["name"],
            "started_at": started.isoformat(),
            "finished_at": now.isoformat(),
        },
        "sets": sets,
        "user": person["user"],
    }


def client_workout(http: Http, person: dict, pause: Callable[[], None]) -> None:
    http.get("/workouts/", name="client: workouts")
    pause()
    # once finished, the logger shows the summary unless asked to log the workout again
    again = "?again=1" if person.get("trained") else ""
    http.get(f"/workouts/{person['workout']['scheduled']}/{again}", name="client: logger")
    pause()
    http.post(
        "/api/v1/workout-sync/",
        name="client: workout sync",
        json=workout_sync_body(person, now=dt.datetime.now(dt.UTC)),
        headers=_json_headers(person),
    )
    person["trained"] = True


def client_messages(http: Http, person: dict, pause: Callable[[], None]) -> None:
    thread = person["thread"]
    http.get(f"/messages/{thread}/", name="client: conversation")
    pause()
    http.post(
        f"/api/v1/threads/{thread}/messages/",
        name="client: send message",
        json={"body": random.choice(MESSAGES)},
        headers=_json_headers(person),
    )


def client_book(http: Http, person: dict, pause: Callable[[], None]) -> str:
    """Book a free time in the next two weeks, then cancel it: "booked", or
    "conflict" when the time was taken meanwhile (or "none" with no free time: an error
    of the scenario's data, reported as such by the caller)."""
    kind = person["session_type"]
    http.get("/sessions/", name="client: sessions")
    pause()
    day = dt.date.today() + dt.timedelta(days=random.randint(1, 14))
    picker = http.get(f"/sessions/book/{kind}/?day={day.isoformat()}", name="client: free times")
    times = CONFIRM.findall(picker.text)
    if not times:
        return "none"
    pause()
    chosen = html.unescape(random.choice(times))
    http.get(chosen, name="client: confirm time")
    query = parse_qs(urlsplit(chosen).query)
    pause()
    booked = http.post(
        f"/sessions/book/{kind}/confirm/",
        name="client: book",
        form=_form(person, starts_at=query["starts_at"][0], coach=query["coach"][0]),
    )
    if booked.headers.get("Location", "") != "/sessions/":
        return "conflict"
    sessions = http.get("/sessions/", name="client: sessions")
    pause()
    cancels = CANCEL.findall(sessions.text)
    if not cancels:
        return "booked"
    http.get(cancels[0], name="client: cancel page")
    pause()
    http.post(cancels[0], name="client: cancel", form=_form(person, reason="Plans changed"))
    return "booked"


MESSAGES = [
    "Done today's session, legs are cooked!",
    "Can we move Thursday's workout to Friday?",
    "Quick question about the Romanian deadlift form.",
    "Slept badly, going lighter today.",
    "New best on the squat 💪",
]


# --- coaches --------------------------------------------------------------------------


def coach_today(http: Http, person: dict, pause: Callable[[], None]) -> None:
    http.get("/admin/", name="coach: today")


def coach_clients(http: Http, person: dict, pause: Callable[[], None]) -> None:
    http.get("/admin/clients/client/", name="coach: client list")


def coach_review(http: Http, person: dict, pause: Callable[[], None]) -> None:
    http.get(random.choice(person["checkins"]), name="coach: review check-in")
    pause()
    http.get(random.choice(person["workouts"]), name="coach: review workout")


# each kind's tasks with locust's weights
CLIENT_TASKS = {client_today: 3, client_workout: 2, client_messages: 2, client_book: 1}
COACH_TASKS = {coach_today: 3, coach_clients: 2, coach_review: 2}


def think() -> float:
    return random.uniform(*THINK_SECONDS)


def read() -> float:
    return random.uniform(*READ_SECONDS)

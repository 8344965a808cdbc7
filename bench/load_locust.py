"""The locust file of ``make bench ARGS=--load`` (bench/load.py starts locust with it).

The people come from the JSON file named by ``MF_LOAD_PEOPLE`` (bench/load.py writes
it: each person's session cookie, CSRF token and ids); every simulated user takes the
next person of its kind, so no two share a sign-in. Requests go to ``--host`` (the
loopback address of the web server) with ``Host: MF_LOAD_HOST`` (the business's
address); redirects are not followed (a browser would, but the next page is another
request kind). What the people do is bench/load_scenario.py. Bookings that lost their
time to someone else are counted into ``MF_LOAD_NOTES`` (JSON) when the run ends.
"""

from __future__ import annotations

import itertools
import json
import os
from collections import Counter

import gevent
from locust import HttpUser, between, events

from bench import load_scenario as scenario

PEOPLE = json.loads(open(os.environ["MF_LOAD_PEOPLE"]).read())  # noqa: SIM115
HOST = os.environ["MF_LOAD_HOST"]
NEXT = {kind: itertools.count() for kind in ("client", "coach")}
NOTES: Counter = Counter()


class LocustHttp:
    """bench/load_scenario.py's ``http`` on locust's client: each answer checked by
    ``scenario.failure``."""

    def __init__(self, client):
        self.client = client

    def _checked(self, response):
        problem = scenario.failure(response.status_code, response.headers.get("Location", ""))
        if problem:
            response.failure(problem)
        else:
            response.success()
        return response

    def get(self, path, *, name):
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            return self._checked(response)

    def post(self, path, *, name, form=None, json=None, headers=None):
        with self.client.post(
            path,
            name=name,
            data=form,
            json=json,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            return self._checked(response)


def _task(function):
    def run(user):
        outcome = function(user.http, user.person, user.pause)
        if function is scenario.client_book:
            NOTES[f"booking_{outcome}"] += 1

    run.__name__ = function.__name__
    return run


class Person(HttpUser):
    abstract = True
    kind = ""
    wait_time = between(*scenario.THINK_SECONDS)

    def on_start(self):
        people = [p for p in PEOPLE if p["kind"] == self.kind]
        self.person = dict(people[next(NEXT[self.kind]) % len(people)])
        self.client.headers["Host"] = HOST
        self.client.cookies.set(self.person["cookie_name"], self.person["session"])
        self.client.cookies.set(self.person["csrf_cookie_name"], self.person["csrf"])
        self.http = LocustHttp(self.client)

    def pause(self):
        gevent.sleep(scenario.read())


class ClientPerson(Person):
    kind = "client"
    weight = scenario.CLIENT_WEIGHT
    tasks = {_task(f): weight for f, weight in scenario.CLIENT_TASKS.items()}


class CoachPerson(Person):
    kind = "coach"
    weight = scenario.COACH_WEIGHT
    tasks = {_task(f): weight for f, weight in scenario.COACH_TASKS.items()}


@events.quitting.add_listener
def _notes(environment, **_kwargs):
    path = os.environ.get("MF_LOAD_NOTES")
    if path:
        with open(path, "w") as out:
            json.dump(dict(NOTES), out)

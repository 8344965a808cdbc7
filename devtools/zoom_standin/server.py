"""A local stand-in for Zoom's Server-to-Server OAuth and meetings API, for tests and
the dev runner.

Zoom cannot be reached from here, so ``scheduling.services.video`` talks to this
server through its real client code (``requests``), with ``ZOOM_OAUTH_URL`` at
``<url>/oauth/token`` and ``ZOOM_API_BASE`` at ``<url>/v2``. It checks what Zoom
checks and keeps meetings in memory:

- ``POST /oauth/token?grant_type=account_credentials&account_id=...`` with HTTP basic
  auth (the app's client id and secret) gives a bearer token (``expires_in`` 3599); a
  wrong secret or account id gets Zoom's 400/401 error body.
- Every ``/v2`` call needs ``Authorization: Bearer <a token it gave>`` (else 401,
  code 124, as Zoom answers an expired or unknown token); ``tokens_revoke()`` makes
  the ones given so far invalid.
- ``POST /v2/users/me/meetings`` takes a JSON body and checks it as Zoom would: a
  ``topic`` (text, at most 200 characters), ``type`` 2 (scheduled), a ``start_time``
  (``yyyy-MM-ddTHH:mm:ssZ``, or local time with a ``timezone``), a ``duration`` in
  minutes (a positive integer) and a known ``timezone``; 400 (code 300) with Zoom's message
  otherwise. It answers 201 with the meeting (``id``, ``join_url``, ...).
- ``PATCH /v2/meetings/<id>`` (204) changes the same fields, checked the same way;
  ``GET`` gives the meeting; ``DELETE`` deletes it (204). An unknown id: 404, code 3001.

``meetings`` holds the live meetings, ``deleted`` the ids deleted, ``calls`` every
request (method, path, headers, JSON body). ``fail_next(n, status)`` makes the next
``n`` API calls (not the token's) answer ``status``: Zoom being down.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
import threading
import zoneinfo
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from devtools.standin_http import LocalServer, StandInHandler

ACCOUNT_ID = "standin-account"
CLIENT_ID = "standin-client"
CLIENT_SECRET = "standin-secret"


@dataclass
class ZoomCall:
    method: str
    path: str
    headers: dict
    body: dict | None


@dataclass
class ZoomStandIn:
    account_id: str = ACCOUNT_ID
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    host: str = "127.0.0.1"
    port: int = 0
    url: str = ""
    meetings: dict = field(default_factory=dict)  # id (int) -> meeting
    deleted: list = field(default_factory=list)
    calls: list[ZoomCall] = field(default_factory=list)
    tokens: set = field(default_factory=set)
    token_requests: int = 0
    _failures: list = field(default_factory=list)  # statuses the next API calls answer
    _next_id: int = 85_000_000_000
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- life cycle -----------------------------------------------------------------

    def start(self) -> ZoomStandIn:
        standin = self

        class Handler(StandInHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                status, body = standin.dispatch(self.command, self.path, dict(self.headers), raw)
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                if body is not None:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_DELETE = _serve

        self._http = LocalServer(self.host, self.port, Handler)
        self.port = self._http.port
        self.url = f"http://{self.host}:{self.port}"
        return self

    def stop(self) -> None:
        self._http.stop()

    def __enter__(self) -> ZoomStandIn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def settings(self) -> dict:
        """The Django settings that point ``scheduling.services.video`` here."""
        return {
            "ZOOM_ACCOUNT_ID": self.account_id,
            "ZOOM_CLIENT_ID": self.client_id,
            "ZOOM_CLIENT_SECRET": self.client_secret,
            "ZOOM_API_BASE": f"{self.url}/v2",
            "ZOOM_OAUTH_URL": f"{self.url}/oauth/token",
        }

    # --- test controls ----------------------------------------------------------------

    def fail_next(self, count: int = 1, status: int = 503) -> None:
        """The next ``count`` API calls answer ``status`` (Zoom down or refusing)."""
        with self._lock:
            self._failures.extend([status] * count)

    def tokens_revoke(self) -> None:
        """Every token given so far stops working (401), as when one expires."""
        with self._lock:
            self.tokens.clear()

    # --- routing ----------------------------------------------------------------------

    def dispatch(self, method: str, target: str, headers: dict, raw: bytes):
        split = urlsplit(target)
        path = split.path.rstrip("/")
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            return 400, {"code": 300, "message": "Request Body should be a valid JSON object."}
        with self._lock:
            self.calls.append(ZoomCall(method, path, headers, body))
            if method == "POST" and path == "/oauth/token":
                return self._token(parse_qs(split.query), headers)
            if not path.startswith("/v2/"):
                return 404, {"code": 404, "message": "Not found"}
            if self._bearer(headers) not in self.tokens:
                return 401, {"code": 124, "message": "Invalid access token."}
            if self._failures:
                return self._failures.pop(0), {"code": 0, "message": "Service unavailable."}
            if method == "POST" and path == "/v2/users/me/meetings":
                return self._create(body)
            if path.startswith("/v2/meetings/"):
                return self._meeting(method, path.removeprefix("/v2/meetings/"), body)
        return 404, {"code": 404, "message": "Not found"}

    @staticmethod
    def _bearer(headers: dict) -> str:
        value = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        return value[7:] if value.startswith("Bearer ") else ""

    def _token(self, query: dict, headers: dict):
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        try:
            who = base64.b64decode(auth.removeprefix("Basic ")).decode() if auth else ""
        except ValueError:
            who = ""
        if who != f"{self.client_id}:{self.client_secret}":
            return 401, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
        if query.get("grant_type") != ["account_credentials"]:
            return 400, {"reason": "Unsupported grant type", "error": "unsupported_grant_type"}
        if query.get("account_id") != [self.account_id]:
            return 400, {"reason": "Invalid account_id", "error": "invalid_request"}
        token = "standin_" + secrets.token_urlsafe(24)
        self.tokens.add(token)
        self.token_requests += 1
        return 200, {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": 3599,
            "scope": "meeting:write:meeting:admin meeting:update:meeting:admin",
        }

    def _create(self, body):
        problem = meeting_body_problem(body, partial=False)
        if problem:
            return 400, {"code": 300, "message": problem}
        self._next_id += 1
        meeting_id = self._next_id
        meeting = {
            "id": meeting_id,
            "uuid": secrets.token_urlsafe(16),
            "host_id": "standin-host",
            "type": 2,
            "status": "waiting",
            "join_url": f"https://zoom.us/j/{meeting_id}?pwd={secrets.token_urlsafe(12)}",
            "start_url": f"https://zoom.us/s/{meeting_id}",
            "created_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        meeting.update({k: body[k] for k in ("topic", "start_time", "duration", "timezone")})
        self.meetings[meeting_id] = meeting
        return 201, meeting

    def _meeting(self, method: str, raw_id: str, body):
        meeting = self.meetings.get(int(raw_id)) if raw_id.isdigit() else None
        if meeting is None:
            return 404, {"code": 3001, "message": f"Meeting does not exist: {raw_id}."}
        if method == "GET":
            return 200, meeting
        if method == "DELETE":
            del self.meetings[meeting["id"]]
            self.deleted.append(meeting["id"])
            return 204, None
        if method == "PATCH":
            problem = meeting_body_problem(body, partial=True)
            if problem:
                return 400, {"code": 300, "message": problem}
            meeting.update(
                {k: body[k] for k in ("topic", "start_time", "duration", "timezone") if k in body}
            )
            return 204, None
        return 405, {"code": 405, "message": "Method not allowed"}


def meeting_body_problem(body, *, partial: bool) -> str:
    """What Zoom would refuse in a meeting's JSON body ("" when it is fine)."""
    if not isinstance(body, dict):
        return "Request Body should be a valid JSON object."
    required = () if partial else ("topic", "type", "start_time", "duration", "timezone")
    missing = [name for name in required if name not in body]
    if missing:
        return f"Missing field(s): {', '.join(missing)}."
    if "topic" in body and (
        not isinstance(body["topic"], str) or not 0 < len(body["topic"]) <= 200
    ):
        return "Invalid field: topic (text of 1 to 200 characters)."
    if "type" in body and body["type"] != 2:
        return "Invalid field: type (a scheduled meeting is 2)."
    if "duration" in body and (
        not isinstance(body["duration"], int) or isinstance(body["duration"], bool)
    ):
        return "Invalid field: duration (minutes, an integer)."
    if "duration" in body and not 0 < body["duration"] <= 1440:
        return "Invalid field: duration (1 to 1440 minutes)."
    if "timezone" in body:
        try:
            zoneinfo.ZoneInfo(str(body["timezone"]))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return "Invalid field: timezone."
    if "start_time" in body:
        value = body["start_time"]
        formats = ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S")
        for fmt in formats:
            try:
                dt.datetime.strptime(str(value), fmt)
                break
            except ValueError:
                continue
        else:
            return "Invalid field: start_time (yyyy-MM-ddTHH:mm:ssZ)."
    return ""

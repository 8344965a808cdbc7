"""A local stand-in for Twilio's Messages API, for tests and the dev runner.

Twilio cannot be reached from here, so ``mectofitness.core.sms`` talks to this server
through Twilio's own client library (``TWILIO_API_BASE`` at its address). It checks
what Twilio checks and keeps the texts in memory:

- ``POST /2010-04-01/Accounts/<sid>/Messages.json`` with HTTP basic auth (the account
  SID and auth token) and a form body (``To``, ``Body``, ``From`` or
  ``MessagingServiceSid``, optional ``StatusCallback``) answers 201 with the message
  (``sid`` "SM...", ``status`` "queued"). A wrong account or token: 401 (code 20003).
  ``refused`` (a number Twilio will not text): 400, code 21211. A number that replied
  STOP (``stopped``): 400, code 21610, as Twilio answers.
- ``status_callback(sid, status)`` gives what Twilio would post to the message's
  ``StatusCallback``: ``(url, fields, signature)``, the ``X-Twilio-Signature`` made with
  the auth token by Twilio's own ``RequestValidator``; ``status_callback_post`` posts it
  there (the dev runner's case; tests post the fields with Django's test client).
- ``inbound(from_, body, url)``: the same for a reply to the platform's number.

``messages`` holds the texts by SID, ``calls`` every request (path, auth, form).
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from twilio.request_validator import RequestValidator

from devtools.standin_http import LocalServer, StandInHandler

ACCOUNT_SID = "AC" + "5" * 32
AUTH_TOKEN = "standin-twilio-token"
SENDER = "+15005550006"  # Twilio's magic test number
REFUSED = "+15005550001"  # Twilio's "invalid number" magic number


@dataclass
class TwilioStandIn:
    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    sender: str = SENDER
    host: str = "127.0.0.1"
    port: int = 0
    url: str = ""
    refused: str = REFUSED
    stopped: set = field(default_factory=set)
    messages: dict = field(default_factory=dict)  # sid -> message (dict)
    calls: list = field(default_factory=list)
    # called with each text taken (the dev runner prints it and reports it delivered)
    on_message: object = None
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- life cycle -----------------------------------------------------------------

    def start(self) -> TwilioStandIn:
        standin = self

        class Handler(StandInHandler):
            def do_POST(self):  # noqa: N802 (the http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                form = {key: values[0] for key, values in parse_qs(raw).items()}
                status, body = standin.dispatch(self.path, self.headers.get("Authorization"), form)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._http = LocalServer(self.host, self.port, Handler)
        self.port = self._http.port
        self.url = f"http://{self.host}:{self.port}"
        return self

    def stop(self) -> None:
        self._http.stop()

    def __enter__(self) -> TwilioStandIn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def settings(self) -> dict:
        """The Django settings that point ``mectofitness.core.sms`` here."""
        return {
            "TWILIO_ACCOUNT_SID": self.account_sid,
            "TWILIO_AUTH_TOKEN": self.auth_token,
            "TWILIO_FROM": self.sender,
            "TWILIO_API_BASE": self.url,
        }

    # --- the API ---------------------------------------------------------------------

    def dispatch(self, path: str, auth: str | None, form: dict) -> tuple[int, dict]:
        self.calls.append({"path": path, "auth": auth, "form": form})
        expected = (
            "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        )
        if path != f"/2010-04-01/Accounts/{self.account_sid}/Messages.json" or auth != expected:
            return 401, {"code": 20003, "message": "Authenticate", "status": 401}
        to = form.get("To", "")
        if (
            not to
            or not form.get("Body")
            or not (form.get("From") or form.get("MessagingServiceSid"))
        ):
            return 400, {
                "code": 21604,
                "message": "A 'To', 'Body' and 'From' are required",
                "status": 400,
            }
        if to == self.refused:
            return 400, {"code": 21211, "message": "Invalid 'To' Phone Number", "status": 400}
        if to in self.stopped:
            return 400, {
                "code": 21610,
                "message": "Attempt to send to unsubscribed recipient",
                "status": 400,
            }
        with self._lock:
            sid = f"SM{next(self._ids):032x}"
        message = {
            "sid": sid,
            "account_sid": self.account_sid,
            "to": to,
            "from": form.get("From", ""),
            "body": form["Body"],
            "status": "queued",
            "status_callback": form.get("StatusCallback", ""),
        }
        self.messages[sid] = message
        if callable(self.on_message):
            self.on_message(message)
        return 201, message

    # --- what Twilio posts back --------------------------------------------------------

    def sign(self, url: str, fields: dict) -> str:
        """``X-Twilio-Signature`` of a post of ``fields`` to ``url``."""
        return RequestValidator(self.auth_token).compute_signature(url, fields)

    def status_callback(
        self, sid: str, status: str, *, error_code: str = ""
    ) -> tuple[str, dict, str]:
        """What Twilio posts to a text's StatusCallback when its status changes."""
        message = self.messages[sid]
        message["status"] = status
        fields = {
            "AccountSid": self.account_sid,
            "MessageSid": sid,
            "SmsSid": sid,
            "MessageStatus": status,
            "SmsStatus": status,
            "To": message["to"],
            "From": message["from"],
            "ApiVersion": "2010-04-01",
        }
        if error_code:
            fields["ErrorCode"] = error_code
        url = message["status_callback"]
        return url, fields, self.sign(url, fields)

    def inbound(self, from_: str, body: str, url: str) -> tuple[str, dict, str]:
        """What Twilio posts to the platform number's webhook for a reply."""
        if body.strip().upper() in {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"}:
            self.stopped.add(from_)
        elif body.strip().upper() in {"START", "UNSTOP", "YES"}:
            self.stopped.discard(from_)
        fields = {
            "AccountSid": self.account_sid,
            "MessageSid": f"SM{next(self._ids):032x}",
            "From": from_,
            "To": self.sender,
            "Body": body,
            "NumMedia": "0",
        }
        return url, fields, self.sign(url, fields)

    def post(self, url: str, fields: dict, signature: str) -> int:
        """Post a callback as Twilio would (dev runner); the answer's status. A
        ``*.localhost`` address (a business's in development) is reached on 127.0.0.1
        with its name in the Host header, which the signature covers: not every
        machine's resolver knows subdomains of localhost."""
        parts = urlsplit(url)
        headers = {"X-Twilio-Signature": signature}
        if parts.hostname and (
            parts.hostname == "localhost" or parts.hostname.endswith(".localhost")
        ):
            headers["Host"] = parts.netloc
            netloc = f"127.0.0.1:{parts.port}" if parts.port else "127.0.0.1"
            url = urlunsplit(parts._replace(netloc=netloc))
        request = urllib.request.Request(
            url, data=urlencode(fields).encode(), headers=headers, method="POST"
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (local)
            return response.status

    def status_callback_post(self, sid: str, status: str) -> int:
        return self.post(*self.status_callback(sid, status))

"""Text messages, through Twilio's own client library.

On when the platform has a Twilio account (``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN``
and ``TWILIO_FROM`` in settings), off otherwise. ``TWILIO_API_BASE`` sends the client's
requests to another address than Twilio's (the tests' local stand-in); empty, they go
to Twilio.
"""

from __future__ import annotations

import re

from django.conf import settings
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

TWILIO_BASE = "https://api.twilio.com"
TIMEOUT_SECONDS = 10
_E164 = re.compile(r"\+[1-9]\d{7,14}")


def sms_is_configured() -> bool:
    """Whether text messages can be sent from this platform at all."""
    return bool(settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN and settings.TWILIO_FROM)


def mobile_number(phone: str) -> str:
    """``phone`` in E.164 (+447700900123), or "" when it is not an international number:
    spaces, dashes, dots and brackets go, a leading 00 becomes +. A number without its
    country code is not guessed at."""
    number = re.sub(r"[\s\-.()/]", "", phone or "")
    if number.startswith("00"):
        number = "+" + number[2:]
    return number if _E164.fullmatch(number) else ""


class _ElsewhereHttpClient(TwilioHttpClient):
    """Twilio's HTTP client, sending to ``base`` instead of api.twilio.com."""

    def __init__(self, base: str, **kwargs):
        super().__init__(**kwargs)
        self.base = base.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        if url.startswith(TWILIO_BASE):
            url = self.base + url[len(TWILIO_BASE) :]
        return super().request(method, url, *args, **kwargs)


def _client() -> Client:
    if settings.TWILIO_API_BASE:
        http = _ElsewhereHttpClient(settings.TWILIO_API_BASE, timeout=TIMEOUT_SECONDS)
    else:
        http = TwilioHttpClient(timeout=TIMEOUT_SECONDS)
    return Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=http)


def send_sms(*, to: str, body: str, status_callback: str = "") -> str:
    """Send ``body`` to ``to`` (E.164) and return Twilio's message SID; Twilio posts
    the text's delivery status to ``status_callback`` when given. Raises
    ``twilio.base.exceptions.TwilioException`` when Twilio refuses it (a bad number,
    a blocked recipient) or cannot be reached, and RuntimeError when texts are off."""
    if not sms_is_configured():
        raise RuntimeError("Text messages are not set up (TWILIO_* settings).")
    sender = settings.TWILIO_FROM
    # a Messaging Service SID picks the sending number itself
    origin = {"messaging_service_sid": sender} if sender.startswith("MG") else {"from_": sender}
    if status_callback:
        origin["status_callback"] = status_callback
    message = _client().messages.create(to=to, body=body, **origin)
    return message.sid

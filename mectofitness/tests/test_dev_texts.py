"""The dev runner's Twilio stand-in reports a text delivered to the business's own
address (``demo.localhost``), signed as Twilio signs, on machines whose resolver does
not know subdomains of localhost. No database."""

from __future__ import annotations

import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from twilio.request_validator import RequestValidator

from devtools.twilio_standin.server import AUTH_TOKEN, TwilioStandIn


def test_a_status_callback_reaches_a_localhost_subdomain_with_its_name_and_signature():
    seen = {}

    class Site(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (the http.server's name)
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            seen["host"] = self.headers["Host"]
            seen["fields"] = {k: v[0] for k, v in parse_qs(body).items()}
            seen["signature"] = self.headers["X-Twilio-Signature"]
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    site = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    port = site.server_address[1]
    callback = f"http://demo.localhost:{port}/hooks/twilio/status/"
    try:
        standin = TwilioStandIn()
        status, message = standin.dispatch(
            f"/2010-04-01/Accounts/{standin.account_sid}/Messages.json",
            "Basic "
            + base64.b64encode(f"{standin.account_sid}:{standin.auth_token}".encode()).decode(),
            {
                "To": "+447700900123",
                "From": standin.sender,
                "Body": "Hi",
                "StatusCallback": callback,
            },
        )
        assert status == 201
        assert standin.status_callback_post(message["sid"], "delivered") == 204
    finally:
        site.shutdown()
        site.server_close()
    assert seen["host"] == f"demo.localhost:{port}"
    assert seen["fields"]["MessageStatus"] == "delivered"
    # the site checks the signature against the address it was called at: its own name
    assert RequestValidator(AUTH_TOKEN).validate(callback, seen["fields"], seen["signature"])

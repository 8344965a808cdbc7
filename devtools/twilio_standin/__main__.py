"""``python -m devtools.twilio_standin --port=12114``: the local Twilio stand-in for
development (``make run`` starts it when no Twilio account is set). It prints the
settings that point the site at it, then every text it takes; a second later it
reports the text delivered to the text's status callback, signed as Twilio signs."""

from __future__ import annotations

import argparse
import threading
import time

from devtools.twilio_standin.server import TwilioStandIn


def _deliver_later(standin: TwilioStandIn, message: dict) -> None:
    print(f"text to {message['to']}: {message['body']}", flush=True)
    if not message["status_callback"]:
        return

    def deliver() -> None:
        time.sleep(1)
        url, fields, signature = standin.status_callback(message["sid"], "delivered")
        try:
            standin.post(url, fields, signature)
        except OSError as exc:  # the site is restarting: the status stays "sent"
            print(f"status callback to {url} failed: {exc}", flush=True)

    threading.Thread(target=deliver, daemon=True).start()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.twilio_standin", description="Run the local Twilio stand-in."
    )
    parser.add_argument("--port", type=int, default=12114)
    args = parser.parse_args(argv)
    standin = TwilioStandIn(port=args.port)
    standin.on_message = lambda message: _deliver_later(standin, message)
    standin.start()
    for name, value in standin.settings.items():
        print(f"{name}={value}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        standin.stop()


if __name__ == "__main__":
    main()

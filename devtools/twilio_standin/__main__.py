"""``python -m devtools.twilio_standin --port=12113``: the local Twilio stand-in for
development. It prints the settings that point the site at it."""

from __future__ import annotations

import argparse
import time

from devtools.twilio_standin.server import TwilioStandIn


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.twilio_standin", description="Run the local Twilio stand-in."
    )
    parser.add_argument("--port", type=int, default=12113)
    args = parser.parse_args(argv)
    standin = TwilioStandIn(port=args.port).start()
    for name, value in standin.settings.items():
        print(f"{name}={value}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        standin.stop()


if __name__ == "__main__":
    main()

"""``python -m devtools.push_standin --port=12113``: the local push-service stand-in
for development (`make run` starts it). It prints each push it takes, and lists them
at its address (``GET /``); ``POST /subscriptions`` plays a browser subscribing."""

from __future__ import annotations

import argparse
import json
import time

from devtools.push_standin.server import PushStandIn


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.push_standin", description="Run the local push stand-in (dev)."
    )
    parser.add_argument("--port", type=int, default=12113)
    parser.add_argument(
        "--vapid-public-key", default="", help="Refuse pushes signed with another VAPID key"
    )
    args = parser.parse_args(argv)
    standin = PushStandIn(port=args.port, vapid_public_key=args.vapid_public_key).start()
    print(f"push stand-in at {standin.url}", flush=True)
    seen_pushes = seen_refusals = 0
    try:
        while True:
            time.sleep(0.5)
            for push in standin.received[seen_pushes:]:
                to = standin.label_of(push.endpoint_id)
                print(f"push to {to}: {push.payload.decode(errors='replace')}", flush=True)
            seen_pushes = len(standin.received)
            for endpoint_id, reason in standin.rejected[seen_refusals:]:
                to = standin.label_of(endpoint_id)
                print(f"push to {to} refused: {json.dumps(reason)}", flush=True)
            seen_refusals = len(standin.rejected)
    except KeyboardInterrupt:
        standin.stop()


if __name__ == "__main__":
    main()

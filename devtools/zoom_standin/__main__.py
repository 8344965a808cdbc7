"""``python -m devtools.zoom_standin --port=12112``: the local Zoom stand-in for
development. It prints the settings that point the site at it."""

from __future__ import annotations

import argparse
import time

from devtools.zoom_standin.server import ZoomStandIn


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.zoom_standin", description="Run the local Zoom stand-in (dev)."
    )
    parser.add_argument("--port", type=int, default=12112)
    args = parser.parse_args(argv)
    standin = ZoomStandIn(port=args.port).start()
    for name, value in standin.settings.items():
        print(f"{name}={value}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        standin.stop()


if __name__ == "__main__":
    main()

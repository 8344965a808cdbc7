"""``python -m devtools.stripe_standin --port=12111 --site=http://localhost:8000``:
the local Stripe stand-in for `make run` (the dev runner starts it when no Stripe
key is set; see ``serve``)."""

from __future__ import annotations

import argparse
import os

import django


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.stripe_standin",
        description="Run the local Stripe stand-in (dev): plans seeded, webhooks to this site.",
    )
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--site", required=True, help="The public site's origin, e.g. http://localhost:8000"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mectofitness.settings")
    django.setup()
    # imported once Django's apps are loaded: serve imports billing's models and services
    from devtools.stripe_standin.serve import serve

    serve(port=args.port, site=args.site)


if __name__ == "__main__":
    main()

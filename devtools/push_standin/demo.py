"""``python -m devtools.push_standin.demo --standin=http://127.0.0.1:12113``: the demo
business's people (``demo_seed``) subscribe at the push stand-in, one browser each, as
if they had turned notifications on; the dev runner runs it once the stand-in is up.
A push to them (a message in the demo) then reaches the stand-in, which prints it.

The stand-in keeps its browsers in memory: the subscriptions of an earlier run point at
browsers it no longer has, so each run removes them and subscribes afresh."""

from __future__ import annotations

import argparse
import json
import os
import urllib.request

import django


def subscribe_demo_people(*, standin: str) -> list[str]:
    """Subscribe each demo person at ``standin``; the addresses subscribed."""
    from django_tenants.utils import tenant_context

    from accounts.models import User
    from notifications.models import PushSubscription
    from notifications.services import push_subscribe, push_unsubscribe
    from tenants.management.commands.demo_seed import DEMO_SLUG, PEOPLE
    from tenants.models import Business

    business = Business.objects.filter(slug=DEMO_SLUG).first()
    if business is None:
        return []
    done = []
    with tenant_context(business):
        for user in User.objects.filter(email__in=[row[0] for row in PEOPLE], is_active=True):
            stale = PushSubscription.objects.filter(user=user, endpoint__startswith=standin)
            for endpoint in list(stale.values_list("endpoint", flat=True)):
                push_unsubscribe(user=user, endpoint=endpoint)
            request = urllib.request.Request(
                f"{standin}/subscriptions",
                data=json.dumps({"label": user.email}).encode(),
                headers={"Content-Type": "application/json"},
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (local)
                info = json.load(response)
            push_subscribe(
                user=user,
                endpoint=info["endpoint"],
                p256dh=info["keys"]["p256dh"],
                auth=info["keys"]["auth"],
                user_agent="push stand-in (make run)",
            )
            done.append(user.email)
    return done


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m devtools.push_standin.demo")
    parser.add_argument("--standin", required=True, help="e.g. http://127.0.0.1:12113")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mectofitness.settings")
    django.setup()
    people = subscribe_demo_people(standin=args.standin.rstrip("/"))
    print(f"push stand-in: {', '.join(people) or 'nobody'} subscribed", flush=True)


if __name__ == "__main__":
    main()

"""The demo business's conversations: the demo coach with the demo client (her last
message still unread by the coach), with two more of his clients, a small 10k group,
and an announcement from the coach to his active clients an hour ago (in each of their
conversations). Everything is sent through the services, each message as of its own
time. Nobody is mailed or notified: the demo's people are made up."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from clients.models import Client

from .announcements import announcement_create, announcement_send, silenced
from .models import Thread
from .services import (
    client_thread_get_or_create,
    group_thread_create,
    message_send,
    thread_mark_read,
)

# (hours ago, "coach" or "client", text); the last one of Chloe's stays unread
CHLOE = [
    (75, "coach", "Hi Chloe! Your new block starts Monday: three strength days and one run."),
    (74, "client", "Amazing, thank you! Should I still do the Saturday run if my legs are sore?"),
    (73, "coach", "Yes, but keep it easy: conversational pace, 30 minutes max."),
    (50, "client", "Done! 5 km in 31 minutes 🏃‍♀️ Felt good."),
    (49, "coach", "Great pace for an easy day. Log it in the app so we can track it."),
    (
        3,
        "client",
        "Quick one: my left wrist twinges on front squats again. Swap for goblet squats this week?",
    ),
]
OTHERS = [
    [
        (30, "coach", "Welcome aboard! Your first program is in the app under Workouts."),
        (6, "coach", "How did the first session feel? Any soreness?"),
    ],
    [
        (20, "coach", "Reminder: your check-in form is due on Sunday. 📋"),
    ],
]
ANNOUNCEMENT = (
    "Heads up: the studio is closed next Monday for the holiday. Your Monday session "
    "moves to Tuesday at the same time; reply here if that does not work for you."
)
GROUP_TITLE = "Spring 10k crew"
GROUP = [
    (48, "coach", "Welcome to the 10k crew! Race day is in eight weeks. Plans are in the app."),
    (46, "client", "So excited! Anyone want to do the long run together on Sunday?"),
    (45, "coach", "Love that. Keep it easy and chatty: it's a base-building week."),
]


def _send(thread: Thread, script, *, coach: User, client_user: User | None, now: dt.datetime):
    """Send each line of ``script`` as of its time; lines "client" need the login."""
    last = None
    for hours, who, text in script:
        author = coach if who == "coach" else client_user
        if author is None:
            continue
        last = message_send(
            thread=thread, body=text, by=author, now=now - dt.timedelta(hours=hours)
        )
    return last


def messaging_demo_seed(*, coach: User, chloe: Client | None) -> int:
    """Seed once (skipped when any conversation exists). Returns how many conversations
    were started. The coach has read everything but Chloe's last message."""
    if Thread.objects.exists():
        return 0
    now = timezone.now()
    made = 0
    chloe_user = chloe.user if chloe is not None else None
    if chloe is not None and chloe.primary_coach_id == coach.pk:
        thread = client_thread_get_or_create(
            client=chloe, by=coach, now=now - dt.timedelta(hours=CHLOE[0][0])
        )
        _send(thread, CHLOE[:-1], coach=coach, client_user=chloe_user, now=now)
        thread_mark_read(thread=thread, by=coach, now=now - dt.timedelta(hours=48))
        _send(thread, CHLOE[-1:], coach=coach, client_user=chloe_user, now=now)
        made += 1
    others = list(
        Client.objects.filter(primary_coach=coach, status=Client.Status.ACTIVE)
        .exclude(pk=getattr(chloe, "pk", None))
        .order_by("pk")[: len(OTHERS)]
    )
    for client, script in zip(others, OTHERS, strict=False):
        thread = client_thread_get_or_create(
            client=client, by=coach, now=now - dt.timedelta(hours=script[0][0])
        )
        _send(thread, script, coach=coach, client_user=client.user, now=now)
        made += 1
    if chloe is not None and chloe.primary_coach_id == coach.pk and len(others) >= 1:
        group = group_thread_create(
            title=GROUP_TITLE,
            clients=[chloe, *others],
            by=coach,
            now=now - dt.timedelta(hours=GROUP[0][0]),
        )
        _send(group, GROUP, coach=coach, client_user=chloe_user, now=now)
        made += 1
    if made:
        # the newest message of each of his clients' conversations; Chloe's question
        # stays unread (an announcement does not mark a conversation read)
        with silenced(), contextlib.suppress(ValidationError):  # no active client: none
            sent_at = now - dt.timedelta(hours=1)
            announcement = announcement_create(by=coach, body=ANNOUNCEMENT, now=sent_at)
            announcement_send(announcement_id=announcement.pk, now=sent_at)
    return made

"""Telling people things: making a notification, marking it read, a person's choices.

- ``notify`` makes one notification for one person (never twice for the same ``key``,
  nothing for someone who can no longer sign in) and, once the caller's transaction
  commits, queues its delivery: the bell shows it at once; push follows the person's
  preferences and waits for the end of their quiet hours. ``notify_many`` does the
  same for many people in a few queries (a group's message).
- Reading: one notification, all of them, or every notification about a place when
  the person opens it (``notifications_read_for_url``).
- Choices: ``preferences_save`` (kind x channel), ``quiet_hours_save`` (on the person's
  own clock) and push subscriptions for each installed portal or back office.

The domain apps call these; this app imports none of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from mectofitness.core.tasks import enqueue_on_commit

from .models import (
    BODY_MAX_CHARS,
    OWN_MAIL_KINDS,
    TITLE_MAX_CHARS,
    Channel,
    Kind,
    Notification,
    PersonSettings,
    Preference,
    PushSubscription,
)
from .selectors import channel_wanted, quiet_hours_end  # noqa: F401 (the channels' interface)

DELIVER_TASK = "notifications.tasks.notification_deliver_task"
DELIVER_MANY_TASK = "notifications.tasks.notifications_deliver_task"
KEY_MAX_CHARS = 120
URL_MAX_CHARS = 500


def _one_line(text: str, limit: int) -> str:
    text = " ".join((text or "").replace("\x00", "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _path(url: str) -> str:
    """A path on the business's site, or "" (a link elsewhere is not a notification's)."""
    url = (url or "").strip()
    if not url.startswith("/") or url.startswith("//") or len(url) > URL_MAX_CHARS:
        return ""
    return url


def notify(
    *,
    user: User,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    key: str = "",
    now: dt.datetime | None = None,
) -> Notification | None:
    """Tell ``user`` about ``kind``: a notification in their bell linking to ``url`` (a
    path here), then, after the caller's transaction commits, push (and the other
    channels) per their preferences and quiet hours.

    None when nothing new was made: ``user`` is missing or inactive, or a notification
    with the same ``key`` was already made for them (a retried task, a signal sent
    twice). Runs in a savepoint: a duplicate never breaks the caller's transaction."""
    if user is None or not user.is_active or kind not in Kind.values:
        return None
    title = _one_line(title, TITLE_MAX_CHARS) or str(Kind(kind).label)
    text = (body or "").replace("\x00", "").strip()
    if len(text) > BODY_MAX_CHARS:
        text = text[: BODY_MAX_CHARS - 1] + "…"
    key = (key or "")[:KEY_MAX_CHARS]
    if key and Notification.objects.filter(user_id=user.pk, key=key).exists():
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user,
                kind=kind,
                title=title,
                body=text,
                url=_path(url),
                key=key,
                created_at=now or timezone.now(),
            )
    except IntegrityError:  # the same key, made at the same moment elsewhere
        return None
    # by name: the tasks module imports the channels, which import these services' kin
    enqueue_on_commit(DELIVER_TASK, notification_id=notification.pk)
    return notification


def _for(value: str | Callable[[User], str], user: User) -> str:
    return value(user) if callable(value) else value


def notify_many(
    *,
    users: Iterable[User],
    kind: str,
    title: str | Callable[[User], str],
    body: str = "",
    url: str | Callable[[User], str] = "",
    key: str = "",
    now: dt.datetime | None = None,
) -> list[Notification]:
    """``notify`` for many people at once (a group's message): one notification each,
    whose ``title`` and ``url`` may depend on the person (give a function of them),
    then one delivery task for the whole batch once the caller's transaction commits.

    The same rules as ``notify``: nobody inactive, nobody twice for the same ``key``.
    A few queries, however many people: the ``key``'s earlier notifications, one
    INSERT; the new notifications are returned."""
    if kind not in Kind.values:
        return []
    people = {user.pk: user for user in users if user is not None and user.is_active}
    if not people:
        return []
    text = (body or "").replace("\x00", "").strip()
    if len(text) > BODY_MAX_CHARS:
        text = text[: BODY_MAX_CHARS - 1] + "…"
    key = (key or "")[:KEY_MAX_CHARS]
    if key:
        told = Notification.objects.filter(user_id__in=list(people), key=key).values_list(
            "user_id", flat=True
        )
        for user_id in list(told):
            people.pop(user_id, None)
    when = now or timezone.now()
    rows = [
        Notification(
            user=user,
            kind=kind,
            title=_one_line(_for(title, user), TITLE_MAX_CHARS) or str(Kind(kind).label),
            body=text,
            url=_path(_for(url, user)),
            key=key,
            created_at=when,
        )
        for user in people.values()
    ]
    try:
        with transaction.atomic():
            made = Notification.objects.bulk_create(rows)
    except IntegrityError:  # the same key, made at the same moment elsewhere: one by one
        return [
            note
            for row in rows
            if (
                note := notify(
                    user=row.user,
                    kind=kind,
                    title=row.title,
                    body=text,
                    url=row.url,
                    key=key,
                    now=when,
                )
            )
            is not None
        ]
    if made:
        enqueue_on_commit(DELIVER_MANY_TASK, notification_ids=[note.pk for note in made])
    return made


# --- reading ------------------------------------------------------------------------------


def notification_read(
    *, notification: Notification, user: User, now: dt.datetime | None = None
) -> bool:
    """``user`` has seen ``notification`` (theirs only; reading it twice changes
    nothing). True when it was unread."""
    return bool(
        Notification.objects.filter(
            pk=notification.pk, user_id=user.pk, read_at__isnull=True
        ).update(read_at=now or timezone.now())
    )


def notifications_read_all(*, user: User, now: dt.datetime | None = None) -> int:
    """Mark all of ``user``'s notifications read; how many were unread."""
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )


def notifications_read_for_url(*, user: User, url: str, now: dt.datetime | None = None) -> int:
    """``user`` opened ``url``: their unread notifications about it are read (a page
    calls this when it shows the place). How many were unread."""
    if user is None or not user.is_authenticated or not url:
        return 0
    return Notification.objects.filter(user_id=user.pk, url=url, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )


# one statement: the UPDATE's rows are read, and the count (which sees the rows as they
# were when the statement began, the marked ones still unread) takes them off
_BELL_OPEN_SQL = """
WITH marked AS (
    UPDATE {table} SET read_at = %s
    WHERE user_id = %s AND url = %s AND read_at IS NULL
    RETURNING 1
)
SELECT (SELECT count(*) FROM {table} WHERE user_id = %s AND read_at IS NULL)
     - (SELECT count(*) FROM marked)
"""


def notification_bell_open(*, user: User, url: str, now: dt.datetime | None = None) -> int:
    """``user`` opened the page ``url``: their unread notifications about it are read
    (``notifications_read_for_url``) and the bell shows how many stay unread. One
    query, for the header of every page."""
    if user is None or not user.is_authenticated:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            _BELL_OPEN_SQL.format(table=connection.ops.quote_name(Notification._meta.db_table)),
            [now or timezone.now(), user.pk, url or "", user.pk],
        )
        (unread,) = cursor.fetchone()
    return max(unread, 0)


# --- choices ---------------------------------------------------------------------------------


@transaction.atomic
def preferences_save(*, user: User, choices: Mapping[str, Mapping[str, bool]]) -> None:
    """Save ``user``'s choices, ``{kind: {channel: on}}``: the kinds and channels named
    are set, the others keep theirs. An unknown kind or channel is refused and nothing
    is saved."""
    rows = []
    for kind, channels in choices.items():
        if kind not in Kind.values:
            raise ValidationError({"preferences": _("Unknown kind of notification: %s") % kind})
        for channel, enabled in channels.items():
            if channel not in Channel.values:
                raise ValidationError({"preferences": _("Unknown channel: %s") % channel})
            if channel == Channel.EMAIL and kind in OWN_MAIL_KINDS:
                continue  # e-mailed by its own app: not a choice here
            rows.append(Preference(user=user, kind=kind, channel=channel, enabled=bool(enabled)))
    Preference.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["user", "kind", "channel"],
        update_fields=["enabled"],
    )


@transaction.atomic
def quiet_hours_save(
    *, user: User, quiet_from: dt.time | None, quiet_until: dt.time | None
) -> PersonSettings:
    """``user``'s quiet hours, from ``quiet_from`` to ``quiet_until`` on their own clock
    (22:00 to 07:00 goes across midnight); both empty: none."""
    if (quiet_from is None) != (quiet_until is None):
        missing = "quiet_until" if quiet_until is None else "quiet_from"
        raise ValidationError({missing: _("Give both the start and the end of quiet hours.")})
    if quiet_from is not None:
        quiet_from = quiet_from.replace(second=0, microsecond=0, tzinfo=None)
        quiet_until = quiet_until.replace(second=0, microsecond=0, tzinfo=None)
        if quiet_from == quiet_until:
            raise ValidationError(
                {"quiet_until": _("Quiet hours must end at another time than they start.")}
            )
    row, _created = PersonSettings.objects.update_or_create(
        user=user, defaults={"quiet_from": quiet_from, "quiet_until": quiet_until}
    )
    return row


@transaction.atomic
def notification_settings_save(
    *,
    user: User,
    choices: Mapping[str, Mapping[str, bool]],
    quiet_hours: tuple[dt.time | None, dt.time | None] | None = None,
) -> None:
    """Save ``user``'s channel choices and, unless ``quiet_hours`` is None, their quiet
    hours (start, end): all of it or, when any part is refused, none."""
    preferences_save(user=user, choices=choices)
    if quiet_hours is not None:
        quiet_hours_save(user=user, quiet_from=quiet_hours[0], quiet_until=quiet_hours[1])


# --- push subscriptions -----------------------------------------------------------------


@transaction.atomic
def push_subscribe(
    *, user: User, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> PushSubscription:
    """This browser may be pushed to for ``user`` (the Push API's subscription). A
    browser that was subscribed for someone else (a shared tablet) now belongs to
    ``user`` alone."""
    endpoint = (endpoint or "").strip()
    errors = {}
    if not endpoint.startswith(("https://", "http://")) or len(endpoint) > 1000:
        errors["endpoint"] = _("Give the push service's address.")
    if not p256dh or len(p256dh) > 200:
        errors["p256dh"] = _("Give the browser's public key.")
    if not auth or len(auth) > 100:
        errors["auth"] = _("Give the browser's secret.")
    if errors:
        raise ValidationError(errors)
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={
            "user": user,
            "p256dh": p256dh,
            "auth": auth,
            "user_agent": (user_agent or "")[:300],
        },
    )
    return subscription


def push_unsubscribe(*, user: User, endpoint: str) -> bool:
    """Stop pushing to this browser for ``user``; True when it was subscribed."""
    deleted, _rows = PushSubscription.objects.filter(user_id=user.pk, endpoint=endpoint).delete()
    return bool(deleted)

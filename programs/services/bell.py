"""The bell (and push) beside the programs app's mails: a coach's comment reaches the
client, a workout with personal records reaches the coach."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from notifications.models import Kind
from notifications.services import notify

from ..models import WorkoutLog


def comment_bell(*, log: WorkoutLog, by, now: dt.datetime) -> bool:
    """Tell the client their coach commented on ``log`` (once per comment written)."""
    user = log.client.user
    if user is None:
        return False
    name = by.first_name or _("Your coach")
    return (
        notify(
            user=user,
            kind=Kind.COMMENT,
            title=_("%(coach)s commented on your workout") % {"coach": name},
            body=log.coach_comment,
            url=f"/workouts/log/{log.client_uuid}/",
            key=f"comment:workout:{log.pk}:{int(now.timestamp())}",
            now=now,
        )
        is not None
    )


def records_bell(*, log: WorkoutLog, coach, count: int) -> bool:
    """Tell ``coach`` their client's finished workout set ``count`` records (once)."""
    return (
        notify(
            user=coach,
            kind=Kind.RECORDS,
            title=_("%(client)s set %(n)d personal record(s)")
            % {"client": log.client.full_name, "n": count},
            url=f"/admin/programs/workoutlog/{log.pk}/review/",
            key=f"records:{log.pk}",
        )
        is not None
    )

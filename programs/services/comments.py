"""A coach's comment on a logged workout, and telling the client about it.

The client learns of a comment twice over: a badge in the portal (the workout is
"New comment" until they open it) and one e-mail. The e-mail goes out from a task;
the task locks the workout and stamps ``comment_mailed_at`` in the transaction that
sends, so a retried or duplicated task never sends it twice.

An edit of a comment the client has not opened yet changes what they will read, not
how often they are told: no second e-mail. An edit after they opened it is news again.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policies import is_staff_member
from clients.models import Client
from clients.selectors import client_queryset_for
from clients.services.notices import client_mail_send
from mectofitness.core.context_processors import business_url
from mectofitness.core.tasks import enqueue_on_commit

from ..models import WorkoutLog
from .bell import comment_bell

MAX_COMMENT = 5000


def workout_comment_allowed(*, log: WorkoutLog, by) -> bool:
    """Whether ``by`` may comment on ``log``: the owner, or a coach of its client."""
    return is_staff_member(by) and client_queryset_for(user=by).filter(pk=log.client_id).exists()


@transaction.atomic
def workout_comment(*, log: WorkoutLog, by, comment: str) -> WorkoutLog:
    """Write (or replace, or with an empty text remove) the coach's comment on a logged
    workout. The client sees it in the portal and is e-mailed once. Raises
    PermissionDenied for anyone but the owner and the client's coaches."""
    if not workout_comment_allowed(log=log, by=by):
        raise PermissionDenied(_("This is not one of your clients."))
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationError({"coach_comment": _("Keep the comment under 5,000 characters.")})
    log = WorkoutLog.objects.select_for_update().get(pk=log.pk)
    if comment == log.coach_comment:
        return log
    now = timezone.now()
    if not comment:
        log.coach_comment, log.commented_by = "", None
        log.commented_at = log.comment_seen_at = log.comment_mailed_at = None
    else:
        was_unread = bool(log.coach_comment) and log.comment_seen_at is None
        log.coach_comment, log.commented_by, log.commented_at = comment, by, now
        log.comment_seen_at = None
        if not was_unread:
            log.comment_mailed_at = None  # news again: one more e-mail
    log.save(
        update_fields=[
            "coach_comment",
            "commented_by",
            "commented_at",
            "comment_seen_at",
            "comment_mailed_at",
        ]
    )
    if log.coach_comment and log.comment_mailed_at is None:
        # by name: the task module imports this one
        enqueue_on_commit("programs.tasks.comments.workout_comment_notify_task", workout_id=log.pk)
        comment_bell(log=log, by=by, now=now)  # the bell and push, beside the mail
    return log


@transaction.atomic
def workout_comment_notify(*, workout_id: int) -> bool:
    """E-mail the client that their coach commented on a workout, once: the row is
    locked and stamped in the sending transaction (a failed send rolls the stamp
    back, so a retry sends). Returns whether a mail went out."""
    log = (
        WorkoutLog.objects.select_for_update(of=("self",))
        .select_related("client__user", "commented_by")
        .filter(pk=workout_id)
        .first()
    )
    if log is None or not log.coach_comment or log.comment_mailed_at is not None:
        return False
    if log.comment_seen_at is not None:
        return False  # already read in the portal before the worker got here
    client = log.client
    user = client.user
    if client.status == Client.Status.ARCHIVED or user is None or not user.is_active:
        return False
    address = user.email or client.email
    if not address:
        return False
    business = getattr(connection, "tenant", None)
    coach = log.commented_by
    coach_name = (coach.first_name if coach else "") or _("Your coach")
    url = business_url(business.slug, f"/workouts/log/{log.client_uuid}/")
    log.comment_mailed_at = timezone.now()
    log.save(update_fields=["comment_mailed_at"])
    client_mail_send(
        business=business,
        to=address,
        subject=_("%(coach)s commented on your workout") % {"coach": coach_name},
        template="programs/emails/workout_comment",
        context={"client": client, "log": log, "coach_name": coach_name, "url": url},
        reply_to=coach.email if coach and coach.email else None,
    )
    return True


def workout_comments_mark_seen(*, client: Client, log_ids) -> int:
    """The client opened these workouts: their comments are no longer new."""
    return (
        WorkoutLog.objects.filter(client=client, pk__in=list(log_ids), comment_seen_at__isnull=True)
        .exclude(coach_comment="")
        .update(comment_seen_at=timezone.now())
    )

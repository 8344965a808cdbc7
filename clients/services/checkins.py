"""Check-ins: every ``period_days`` days, active clients answer a check-in
questionnaire; their coach reads it, replies and marks it reviewed.

Periods are counted from the plan's ``starts_on``: the period containing a day
starts on ``starts_on + k * period_days``. A client is due when the current
period has no sent response with that ``period_start``. Which check-ins are due,
and who sees which, are reads: ``clients.selectors_intake``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policies import is_owner, is_staff_member
from mectofitness.core.context_processors import business_url
from mectofitness.core.mail import send_business_mail
from mectofitness.core.tasks import enqueue_on_commit

from ..models import CheckInPlan, Client, Questionnaire, Response
from ..selectors import client_queryset_for
from ..selectors_intake import (
    business_today,
    checkin_period_start,
    checkin_plans_in_use,
    checkins_due_for,
    questionnaire_current_version,
)
from .bell import checkin_reply_bell
from .notices import client_mail_send

# queued by name: the task module imports this one (clients.tasks.checkins)
REPLY_NOTIFY_TASK = "clients.tasks.checkins.checkin_reply_notify_task"


@transaction.atomic
def checkin_response_start(
    *, plan: CheckInPlan, client: Client, on: datetime.date | None = None
) -> Response:
    """The response for this period: the client's draft, or a new one. Raises
    ValidationError when nothing is due (already sent, plan off, client not active)."""
    client = Client.objects.select_for_update().get(pk=client.pk)  # one start at a time
    on = on or business_today()
    match = next((d for d in checkins_due_for(client=client, on=on) if d.plan.pk == plan.pk), None)
    if match is None:
        raise ValidationError(
            {NON_FIELD_ERRORS: [_("There is no check-in to answer right now. Thank you!")]},
            code="not_due",
        )
    if match.draft is not None:
        return match.draft
    version = questionnaire_current_version(questionnaire=plan.questionnaire)
    return Response.objects.create(version=version, client=client, period_start=match.period_start)


@transaction.atomic
def checkin_review(
    *, response: Response, by: User, comment: str, mark_reviewed: bool = True
) -> Response:
    """The coach's reply; ``mark_reviewed`` takes it off the queue. Staff of the client only."""
    if not is_staff_member(by) or not (
        client_queryset_for(user=by).filter(pk=response.client_id).exists()
    ):
        raise PermissionDenied(_("This is not one of your clients."))
    response = Response.objects.select_for_update().get(pk=response.pk)
    if response.period_start is None or response.status != Response.Status.SUBMITTED:
        raise ValidationError({NON_FIELD_ERRORS: [_("Only sent check-ins can be reviewed.")]})
    comment = (comment or "").strip()
    if len(comment) > 5000:
        raise ValidationError({"comment": _("Keep the reply under 5,000 characters.")})
    fields = []
    if comment != response.coach_comment:
        fields += _reply_change(response=response, comment=comment)
    if mark_reviewed and response.reviewed_at is None:
        response.reviewed_at = timezone.now()
        response.reviewed_by = by
        fields += ["reviewed_at", "reviewed_by"]
    if not fields and not mark_reviewed:
        raise ValidationError({"comment": _("Write a reply or mark it reviewed.")})
    if fields:
        response.save(update_fields=fields)
    if response.coach_comment and response.reply_mailed_at is None:
        enqueue_on_commit(REPLY_NOTIFY_TASK, response_id=response.pk)
        checkin_reply_bell(response=response, by=by)  # the bell and push, beside the mail
    return response


def _reply_change(*, response: Response, comment: str) -> list[str]:
    """Set a new reply (or remove it) with its time. The client is told once: a reply
    edited before they read it is not mailed again; one edited after they read it is."""
    if not comment:
        response.coach_comment = ""
        response.replied_at = response.reply_seen_at = response.reply_mailed_at = None
    else:
        was_unread = bool(response.coach_comment) and response.reply_seen_at is None
        response.coach_comment, response.replied_at = comment, timezone.now()
        response.reply_seen_at = None
        if not was_unread:
            response.reply_mailed_at = None
    return ["coach_comment", "replied_at", "reply_seen_at", "reply_mailed_at"]


@transaction.atomic
def checkin_reply_notify(*, response_id: int) -> bool:
    """E-mail the client that their coach replied to a check-in, once: the row is
    locked and stamped in the sending transaction (a failed send rolls the stamp back,
    so a retry sends). Returns whether a mail went out."""
    response = (
        Response.objects.select_for_update(of=("self",))
        .select_related("client__user", "reviewed_by")
        .filter(pk=response_id)
        .first()
    )
    if response is None or not response.coach_comment or response.client is None:
        return False
    if response.reply_mailed_at is not None or response.reply_seen_at is not None:
        return False
    client, user = response.client, response.client.user
    if client.status == Client.Status.ARCHIVED or user is None or not user.is_active:
        return False
    address = user.email or client.email
    if not address:
        return False
    business = getattr(connection, "tenant", None)
    coach = response.reviewed_by or client.primary_coach
    coach_name = (coach.first_name if coach else "") or _("Your coach")
    response.reply_mailed_at = timezone.now()
    response.save(update_fields=["reply_mailed_at"])
    client_mail_send(
        business=business,
        to=address,
        subject=_("%(coach)s replied to your check-in") % {"coach": coach_name},
        template="clients/emails/checkin_reply",
        context={
            "client": client,
            "response": response,
            "coach_name": coach_name,
            "url": business_url(business.slug, "/check-ins/"),
        },
        reply_to=coach.email if coach and coach.email else None,
    )
    return True


def checkin_replies_mark_seen(*, client: Client, response_ids: Iterable[int]) -> int:
    """The client saw these replies (their check-ins page showed them)."""
    return (
        Response.objects.filter(
            client=client, pk__in=list(response_ids), reply_seen_at__isnull=True
        )
        .exclude(coach_comment="")
        .update(reply_seen_at=timezone.now())
    )


def checkin_plan_check(*, questionnaire: Questionnaire, period_days: int, is_active: bool) -> None:
    """The rules of a schedule: a check-in form, 1 to 90 days, published before it is
    switched on. Raises ValidationError keyed by field (no query unless ``is_active``)."""
    if questionnaire.kind != Questionnaire.Kind.CHECKIN:
        raise ValidationError({"questionnaire": _("Only check-in forms can be scheduled.")})
    if not 1 <= period_days <= 90:
        raise ValidationError({"period_days": _("Choose between 1 and 90 days.")})
    if is_active and questionnaire_current_version(questionnaire=questionnaire) is None:
        raise ValidationError({"is_active": _("Publish the check-in before switching it on.")})


@transaction.atomic
def checkin_plan_save(
    *,
    questionnaire: Questionnaire,
    by: User,
    period_days: int,
    starts_on: datetime.date,
    is_active: bool,
    plan: CheckInPlan | None = None,
) -> CheckInPlan:
    """Set when a check-in questionnaire is asked (owner only). ``plan``: the schedule
    being edited (the back office's list may move it to another form); without it,
    the form's own schedule is made or changed."""
    if not is_owner(by):
        raise PermissionDenied(_("Only the owner can schedule check-ins."))
    checkin_plan_check(questionnaire=questionnaire, period_days=period_days, is_active=is_active)
    values = {"period_days": period_days, "starts_on": starts_on, "is_active": is_active}
    if plan is not None and plan.pk is not None:
        plan = CheckInPlan.objects.select_for_update().get(pk=plan.pk)
        plan.questionnaire = questionnaire
        for name, value in values.items():
            setattr(plan, name, value)
        plan.save()
        return plan
    plan, _created = CheckInPlan.objects.update_or_create(
        questionnaire=questionnaire, defaults=values
    )
    return plan


@transaction.atomic
def checkin_plan_delete(*, plan: CheckInPlan, by: User) -> None:
    """Stop asking a check-in: its schedule goes, the answers stay (owner only)."""
    if not is_owner(by):
        raise PermissionDenied(_("Only the owner can schedule check-ins."))
    plan.delete()


def checkin_reminders_send(*, on: datetime.date | None = None) -> int:
    """E-mail active clients with a portal login whose check-in became due ``on``
    (a period starts that day) and who have not answered yet. Returns how many."""
    on = on or business_today()
    business = getattr(connection, "tenant", None)
    sent = 0
    for plan, _version in checkin_plans_in_use():
        start = checkin_period_start(plan=plan, on=on)
        if start != on:
            continue
        answered = Response.objects.filter(
            version__questionnaire_id=plan.questionnaire_id,
            period_start=start,
            status=Response.Status.SUBMITTED,
        ).values("client_id")
        clients = (
            Client.objects.filter(status=Client.Status.ACTIVE, user__is_active=True)
            .exclude(email="")
            .exclude(pk__in=answered)
            .select_related("primary_coach")
        )
        for client in clients:
            context = {
                "client": client,
                "plan": plan,
                "business": business,
                "url": business_url(getattr(business, "slug", ""), "/check-ins/"),
            }
            coach = client.primary_coach
            sent += send_business_mail(
                business=business,
                to=client.email,
                subject=_("Time for your check-in with %(business)s") % {"business": business.name},
                template="clients/portal/checkins_due_email",
                context=context,
                reply_to=coach.email if coach and coach.is_active and coach.email else None,
            )
    return sent

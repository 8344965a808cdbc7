"""Reads of intake forms, their answers (held ones too) and check-ins, shared by the
back office, the portal, the shareable link and the API.

Which answers a person sees is decided here, on top of ``client_queryset_for``:
staff see their clients' answers, a client their own; answers held off a record
(``Response.match``) show only to staff who may see the client they possibly match.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q, QuerySet, Window
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policies import is_staff_member

from .models import (
    Assignment,
    CheckInPlan,
    Client,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    ResponseFile,
)
from .selectors import client_queryset_for

# --- forms ---------------------------------------------------------------------------


def questionnaire_current_version(*, questionnaire: Questionnaire) -> QuestionnaireVersion | None:
    """The latest published version (one query), or None before the first publish."""
    return questionnaire.versions.filter(published_at__isnull=False).order_by("-number").first()


def questionnaire_draft(*, questionnaire: Questionnaire) -> QuestionnaireVersion | None:
    """The unpublished version the builder keeps (one query), if any."""
    return questionnaire.versions.filter(published_at__isnull=True).order_by("-number").first()


def questionnaires_in_use() -> QuerySet[Questionnaire]:
    """Forms not archived, with their versions (two queries), by title."""
    return (
        Questionnaire.objects.filter(archived_at__isnull=True)
        .prefetch_related("versions")
        .order_by("title", "pk")
    )


def questionnaire_get(*, pk: int) -> Questionnaire | None:
    """A form, archived or not (one query)."""
    return Questionnaire.objects.filter(pk=pk).first()


def questionnaire_in_use_get(*, pk: int) -> Questionnaire | None:
    """A form that is not archived (one query)."""
    return Questionnaire.objects.filter(pk=pk, archived_at__isnull=True).first()


def questionnaire_versions_published(*, questionnaire: Questionnaire) -> QuerySet:
    """The published versions, each with how many sent answers it has."""
    return questionnaire.versions.filter(published_at__isnull=False).annotate(
        answers=Count("responses", filter=Q(responses__status="submitted"))
    )


def questionnaire_public_get(*, token: str) -> Questionnaire | None:
    """The form behind a shareable link, if the link is on (one query)."""
    if not token or len(token) > 32:
        return None
    return Questionnaire.objects.filter(
        public_token=token,
        is_public=True,
        archived_at__isnull=True,
        kind=Questionnaire.Kind.INTAKE,
    ).first()


def questionnaires_to_send() -> QuerySet[Questionnaire]:
    """Intake forms in use with a published version: those staff can send."""
    return Questionnaire.objects.filter(
        kind=Questionnaire.Kind.INTAKE,
        archived_at__isnull=True,
        versions__published_at__isnull=False,
    ).distinct()


# --- answers -------------------------------------------------------------------------


def response_files_by_key(*, response: Response) -> dict[str, ResponseFile]:
    return {stored.field_key: stored for stored in response.files.all()}


def responses_for(*, user: User) -> QuerySet[Response]:
    """Responses ``user`` may see: staff those of their clients, a client their own."""
    responses = Response.objects.select_related("version__questionnaire", "client")
    if not user.is_authenticated:
        return responses.none()
    # held answers (``match``) have no client; said again so no join can let them in
    responses = responses.filter(match__isnull=True)
    if is_staff_member(user):
        return responses.filter(client__in=client_queryset_for(user=user))
    return responses.filter(client__user_id=user.pk)


def response_files_of_client(*, user: User, client: Client, limit: int) -> list[ResponseFile]:
    """The files ``client`` uploaded with their answers, newest first, as ``user`` may
    see them (``responses_for``), with the form each came with (one query)."""
    return list(
        ResponseFile.objects.filter(
            response__in=responses_for(user=user).filter(
                client=client, status=Response.Status.SUBMITTED
            )
        )
        .select_related("response__version__questionnaire")
        .order_by("-response__submitted_at", "-pk")[:limit]
    )


def held_responses_for(*, user: User) -> QuerySet[Response]:
    """Held answers ``user`` may see: staff, those whose possible match is a client
    they may see (the owner: all). Nobody else, not even that client."""
    responses = Response.objects.filter(match__isnull=False).select_related(
        "version__questionnaire", "match"
    )
    if not is_staff_member(user):
        return responses.none()
    return responses.filter(match__in=client_queryset_for(user=user))


def response_file_for(*, user: User, pk: int) -> ResponseFile | None:
    """A private answer file, if ``user`` is its client or one of their coaches; a
    held answer's file, to staff who may see the client it possibly matches."""
    return (
        ResponseFile.objects.filter(pk=pk)
        .filter(
            Q(response__in=responses_for(user=user)) | Q(response__in=held_responses_for(user=user))
        )
        .select_related("response")
        .first()
    )


@dataclass
class AnswerRow:
    key: str
    label: str
    type: str
    value: object
    text: str
    file: ResponseFile | None = None
    consent_text: str = ""


def answer_rows(*, response: Response, files: dict | None = None) -> list[AnswerRow]:
    """The questions of the version answered, each with its answer as text (one query
    for the files unless ``files`` is given)."""
    if files is None:
        files = response_files_by_key(response=response)
    rows = []
    for spec in response.version.fields:
        value = response.answers.get(spec["key"])
        rows.append(
            AnswerRow(
                key=spec["key"],
                label=spec["label"],
                type=spec["type"],
                value=value,
                text=answer_text(spec, value),
                file=files.get(spec["key"]),
                consent_text=(value or {}).get("text", "") if isinstance(value, dict) else "",
            )
        )
    return rows


def answer_text(spec: dict, value) -> str:
    """An answer as people read it ("Yes", "7 / 10", "Gym, Outdoors")."""
    if value is None or value == "" or value == []:
        return "—"
    kind = spec["type"]
    if kind == "yes_no":
        return _("Yes") if value else _("No")
    if kind == "multiple_choice":
        return ", ".join(str(v) for v in value)
    if kind == "scale":
        return f"{value} / {spec.get('max', 10)}"
    if kind == "consent":
        return _("Agreed") if isinstance(value, dict) and value.get("agreed") else "—"
    if kind == "file":
        return value.get("name", _("File")) if isinstance(value, dict) else _("File")
    if kind == "date":
        try:
            return datetime.date.fromisoformat(value).strftime("%-d %b %Y")
        except (TypeError, ValueError):
            return str(value)
    return str(value)


# --- forms sent to clients -----------------------------------------------------------


def assignment_is_done(assignment: Assignment) -> bool:
    return bool(assignment.response and assignment.response.status == Response.Status.SUBMITTED)


def assignments_for_client(*, client: Client) -> QuerySet[Assignment]:
    """The forms ``client`` was asked to fill (archived forms left out), newest first."""
    return (
        Assignment.objects.filter(client=client, questionnaire__archived_at__isnull=True)
        .select_related("questionnaire", "response")
        .order_by("-assigned_at")
    )


def assignment_of_client_get(*, client: Client, pk: int) -> Assignment | None:
    """One form ``client`` was asked to fill, with its draft's version (one query)."""
    return (
        Assignment.objects.select_related("questionnaire", "response__version")
        .filter(pk=pk, client=client, questionnaire__archived_at__isnull=True)
        .first()
    )


def assignments_for(*, user: User) -> QuerySet[Assignment]:
    """Forms sent that ``user`` may see: staff, those of their clients; a client, their own."""
    assignments = Assignment.objects.select_related("questionnaire", "client", "response").filter(
        questionnaire__archived_at__isnull=True
    )
    if is_staff_member(user):
        return assignments.filter(client__in=client_queryset_for(user=user))
    return assignments.filter(client__user_id=user.pk)


def assignment_states(*, questionnaire: Questionnaire, clients: list[Client]) -> dict[int, str]:
    """For the send page: "todo", "draft" or "submitted" for each of ``clients`` who was
    sent ``questionnaire`` (one query); clients never sent it are left out."""
    sent = questionnaire.assignments.filter(client__in=[c.pk for c in clients]).values_list(
        "client_id", "response__status"
    )
    return {client_id: status or "todo" for client_id, status in sent}


# --- check-ins -----------------------------------------------------------------------


def business_today() -> datetime.date:
    """Today in the business's time zone (the schema in use)."""
    tz_name = getattr(getattr(connection, "tenant", None), "timezone", None) or "UTC"
    try:
        tz = zoneinfo.ZoneInfo(tz_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = datetime.UTC
    return timezone.localdate(timezone=tz)


def checkin_period_start(*, plan: CheckInPlan, on: datetime.date) -> datetime.date | None:
    """The first day of the period containing ``on``; None before the plan starts."""
    if on < plan.starts_on:
        return None
    elapsed = (on - plan.starts_on).days
    return plan.starts_on + datetime.timedelta(days=elapsed - elapsed % plan.period_days)


def checkin_plans_in_use() -> list[tuple[CheckInPlan, QuestionnaireVersion]]:
    """Active plans whose questionnaire is published and not archived, with the
    version to answer (two queries)."""
    plans = list(
        CheckInPlan.objects.filter(
            is_active=True,
            questionnaire__archived_at__isnull=True,
            questionnaire__kind=Questionnaire.Kind.CHECKIN,
        ).select_related("questionnaire")
    )
    if not plans:
        return []
    latest: dict[int, QuestionnaireVersion] = {}
    for version in QuestionnaireVersion.objects.filter(
        questionnaire__in=[plan.questionnaire_id for plan in plans], published_at__isnull=False
    ).order_by("questionnaire_id", "-number"):
        latest.setdefault(version.questionnaire_id, version)
    return [
        (plan, latest[plan.questionnaire_id]) for plan in plans if plan.questionnaire_id in latest
    ]


def checkin_plan_of(*, questionnaire: Questionnaire) -> CheckInPlan | None:
    """The schedule of a check-in form, if it has one (one query)."""
    return CheckInPlan.objects.filter(questionnaire=questionnaire).first()


def checkin_plan_get(*, pk: int) -> CheckInPlan | None:
    """A check-in schedule, on or off (one query)."""
    return CheckInPlan.objects.select_related("questionnaire").filter(pk=pk).first()


@dataclass
class DueCheckIn:
    plan: CheckInPlan
    period_start: datetime.date
    period_end: datetime.date
    draft: Response | None

    @property
    def questionnaire(self) -> Questionnaire:
        return self.plan.questionnaire


def checkins_due_for(*, client: Client, on: datetime.date | None = None) -> list[DueCheckIn]:
    """The check-ins ``client`` should answer now (only active clients are asked)."""
    if client.status != Client.Status.ACTIVE:
        return []
    on = on or business_today()
    due = []
    plans = checkin_plans_in_use()
    if not plans:
        return []
    starts = {}
    for plan, _version in plans:
        start = checkin_period_start(plan=plan, on=on)
        if start is not None:
            starts[plan.pk] = start
    if not starts:
        return []
    responses = Response.objects.filter(
        client=client,
        version__questionnaire__in=[plan.questionnaire_id for plan, _v in plans],
        period_start__in=set(starts.values()),
    ).select_related("version")
    seen: dict[tuple[int, datetime.date], Response] = {}
    for response in responses:
        key = (response.version.questionnaire_id, response.period_start)
        if key not in seen or response.status == Response.Status.SUBMITTED:
            seen[key] = response
    for plan, _version in plans:
        start = starts.get(plan.pk)
        if start is None:
            continue
        response = seen.get((plan.questionnaire_id, start))
        if response is not None and response.status == Response.Status.SUBMITTED:
            continue
        due.append(
            DueCheckIn(
                plan=plan,
                period_start=start,
                period_end=start + datetime.timedelta(days=plan.period_days - 1),
                draft=response,
            )
        )
    return due


def checkins_for(*, user: User) -> QuerySet[Response]:
    """Sent check-ins ``user`` may see: a coach's clients', or a client's own."""
    responses = Response.objects.filter(
        period_start__isnull=False, status=Response.Status.SUBMITTED
    ).select_related("version__questionnaire", "client", "reviewed_by")
    if not user.is_authenticated:
        return responses.none()
    if is_staff_member(user):
        return responses.filter(client__in=client_queryset_for(user=user))
    return responses.filter(client__user_id=user.pk)


def checkin_queue_for(*, user: User) -> QuerySet[Response]:
    """Unreviewed check-ins of ``user``'s clients, oldest first."""
    return checkins_for(user=user).filter(reviewed_at__isnull=True).order_by("submitted_at", "pk")


def checkin_queue_of(
    *, user: User, clients: QuerySet[Client], limit: int = 5
) -> tuple[list[Response], int]:
    """The first ``limit`` of ``user``'s check-in queue (:func:`checkin_queue_for`) from
    ``clients``, oldest first, and how many wait in all: each with when it was sent, its
    client's name and its form's title (the rest deferred). One query (a window count)."""
    rows = (
        checkin_queue_for(user=user)
        .filter(client__in=clients.values("pk"))
        .select_related(None)
        .select_related("client", "version__questionnaire")
        .only(
            "submitted_at",
            "client__first_name",
            "client__last_name",
            "version__questionnaire__title",
        )
        .annotate(listed_total=Window(Count("pk")))
    )
    found = list(rows[:limit])
    return found, (found[0].listed_total if found else 0)


def checkin_previous(*, response: Response) -> Response | None:
    """The client's check-in before this one (same questionnaire), if any."""
    return (
        Response.objects.filter(
            client_id=response.client_id,
            version__questionnaire_id=response.version.questionnaire_id,
            status=Response.Status.SUBMITTED,
            period_start__lt=response.period_start,
        )
        .select_related("version")
        .order_by("-period_start")
        .first()
    )


def checkin_history_for(*, client: Client, limit: int) -> list[Response]:
    """The client's last ``limit`` sent check-ins, newest period first, with their
    files and reviewer (two queries)."""
    return list(
        client.responses.filter(period_start__isnull=False, status=Response.Status.SUBMITTED)
        .select_related("version__questionnaire", "reviewed_by")
        .prefetch_related("files")
        .order_by("-period_start", "-submitted_at")[:limit]
    )

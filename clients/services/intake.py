"""Intake forms: building and publishing questionnaires, answering them (portal,
shareable link, API), assigning them to clients, and the private files of answers.

A questionnaire's questions live in versions. The owner edits a draft version
(``published_at`` empty); publishing freezes it. A published version is never
changed again: every response points at the exact version it answered.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policies import is_owner
from accounts.roles import OWNER
from mectofitness.core.tasks import enqueue_on_commit

from ..forms_intake import AnswersForm
from ..models import (
    Assignment,
    Client,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    ResponseFile,
)
from ..selectors import client_queryset_for
from ..starters import STARTERS
from .records import client_create, client_touch

FIELD_TYPES = {
    "short_text": _("Short text"),
    "long_text": _("Long text"),
    "number": _("Number"),
    "single_choice": _("Single choice"),
    "multiple_choice": _("Multiple choice"),
    "date": _("Date"),
    "yes_no": _("Yes / no"),
    "scale": _("Scale"),
    "file": _("File upload"),
    "consent": _("Consent checkbox"),
}
CHOICE_TYPES = {"single_choice", "multiple_choice"}
MAX_QUESTIONS = 100
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def _require_owner(user: User | None) -> None:
    if not is_owner(user):
        raise PermissionDenied(_("Only the owner can build and publish forms."))


# --- the definition of a form -------------------------------------------------------


def _as_number(value, *, what: str, errors: list, where: str):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        errors.append(
            _("%(where)s: the %(what)s must be a number.") % {"where": where, "what": what}
        )
        return None
    if not number.is_finite():
        errors.append(
            _("%(where)s: the %(what)s must be a number.") % {"where": where, "what": what}
        )
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def _key_from_label(label: str) -> str:
    key = slugify(label).replace("-", "_")[:40].strip("_") or "question"
    return key if key[0].isalpha() else f"q_{key}"[:40]


def questionnaire_fields_clean(*, fields) -> list[dict]:
    """Check and normalise a form's questions. Raises ``ValidationError({"fields": [...]})``
    with one clear message per problem, naming the question ("Question 3: ...")."""
    if not isinstance(fields, list):
        raise ValidationError({"fields": [_("The questions must be a list.")]})
    if not fields:
        raise ValidationError({"fields": [_("Add at least one question.")]})
    if len(fields) > MAX_QUESTIONS:
        raise ValidationError(
            {"fields": [_("A form can have at most %(n)s questions.") % {"n": MAX_QUESTIONS}]}
        )
    errors: list[str] = []
    cleaned: list[dict] = []
    explicit_keys: dict[str, int] = {}
    for number, raw in enumerate(fields, start=1):
        where = _("Question %(n)s") % {"n": number}
        if not isinstance(raw, dict):
            errors.append(_("%(where)s is not a question.") % {"where": where})
            continue
        label = " ".join(str(raw.get("label") or "").split())
        kind = str(raw.get("type") or "")
        if not label:
            errors.append(_("%(where)s: write the question.") % {"where": where})
        elif len(label) > 300:
            errors.append(
                _("%(where)s: keep the question under 300 characters.") % {"where": where}
            )
        if label:
            where = f"{where} (“{label[:40]}”)"
        if kind not in FIELD_TYPES:
            errors.append(_("%(where)s: choose the type of answer.") % {"where": where})
            continue
        help_text = str(raw.get("help") or "").strip()
        if len(help_text) > 500:
            errors.append(
                _("%(where)s: keep the help text under 500 characters.") % {"where": where}
            )
        spec = {
            "key": str(raw.get("key") or "").strip().lower(),
            "label": label,
            "type": kind,
            "required": bool(raw.get("required")),
            "help": help_text,
        }
        if spec["key"]:
            if not KEY_PATTERN.match(spec["key"]):
                errors.append(
                    _(
                        "%(where)s: the key may use lower-case letters, digits and _ only, "
                        "start with a letter, and be at most 40 characters."
                    )
                    % {"where": where}
                )
            elif spec["key"] in explicit_keys:
                errors.append(
                    _("%(where)s: the key “%(key)s” is already used by question %(other)s.")
                    % {"where": where, "key": spec["key"], "other": explicit_keys[spec["key"]]}
                )
            else:
                explicit_keys[spec["key"]] = number
        if kind in CHOICE_TYPES:
            raw_choices = raw.get("choices") or []
            if isinstance(raw_choices, str):
                raw_choices = raw_choices.splitlines()
            choices = [" ".join(str(c).split()) for c in raw_choices if str(c).strip()]
            if len(choices) < 2:
                errors.append(_("%(where)s: give at least two choices.") % {"where": where})
            elif len({c.lower() for c in choices}) != len(choices):
                errors.append(_("%(where)s: each choice must be different.") % {"where": where})
            elif any(len(c) > 200 for c in choices):
                errors.append(
                    _("%(where)s: keep each choice under 200 characters.") % {"where": where}
                )
            elif len(choices) > 50:
                errors.append(_("%(where)s: at most 50 choices.") % {"where": where})
            spec["choices"] = choices
        if kind in ("number", "scale"):
            low = _as_number(raw.get("min"), what=_("minimum"), errors=errors, where=where)
            high = _as_number(raw.get("max"), what=_("maximum"), errors=errors, where=where)
            if kind == "scale":
                low = 1 if low is None else low
                high = 10 if high is None else high
                if not (isinstance(low, int) and isinstance(high, int)):
                    errors.append(_("%(where)s: a scale goes in whole numbers.") % {"where": where})
                elif not (low < high and high - low <= 20):
                    errors.append(
                        _("%(where)s: the scale must go up, with at most 21 steps (e.g. 1 to 10).")
                        % {"where": where}
                    )
            elif low is not None and high is not None and low > high:
                errors.append(
                    _("%(where)s: the minimum is larger than the maximum.") % {"where": where}
                )
            spec["min"], spec["max"] = low, high
        if kind == "consent":
            text = str(raw.get("consent_text") or "").strip()
            if not text:
                errors.append(
                    _("%(where)s: write the consent text people agree to.") % {"where": where}
                )
            elif len(text) > 3000:
                errors.append(
                    _("%(where)s: keep the consent text under 3,000 characters.") % {"where": where}
                )
            spec["consent_text"] = text
        cleaned.append(spec)
    if errors:
        raise ValidationError({"fields": errors})
    # keys for questions without one: from the label, never clashing
    taken = set(explicit_keys)
    for spec in cleaned:
        if spec["key"]:
            continue
        base = _key_from_label(spec["label"])
        key, n = base, 2
        while key in taken:
            suffix = f"_{n}"
            key, n = f"{base[: 40 - len(suffix)]}{suffix}", n + 1
        spec["key"] = key
        taken.add(key)
    return cleaned


def questionnaire_current_version(*, questionnaire: Questionnaire) -> QuestionnaireVersion | None:
    """The latest published version (one query), or None before the first publish."""
    return questionnaire.versions.filter(published_at__isnull=False).order_by("-number").first()


def questionnaire_draft(*, questionnaire: Questionnaire) -> QuestionnaireVersion | None:
    return questionnaire.versions.filter(published_at__isnull=True).order_by("-number").first()


@transaction.atomic
def questionnaire_create(
    *,
    by: User,
    title: str,
    kind: str = Questionnaire.Kind.INTAKE,
    description: str = "",
    fields: list | None = None,
    publish: bool = False,
    is_public: bool = False,
) -> Questionnaire:
    """A new form (owner only), with its questions as a draft, or published at once."""
    _require_owner(by)
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Give the form a title.")})
    if len(title) > 120:
        raise ValidationError({"title": _("Keep the title under 120 characters.")})
    if kind not in Questionnaire.Kind.values:
        raise ValidationError({"kind": _("Choose intake form or check-in.")})
    if kind == Questionnaire.Kind.CHECKIN and is_public:
        raise ValidationError({"is_public": _("Check-ins are answered in the portal only.")})
    questionnaire = Questionnaire.objects.create(
        title=title,
        kind=kind,
        description=(description or "").strip(),
        created_by=by,
        is_public=is_public,
    )
    if fields is not None:
        if publish:
            questionnaire_publish(questionnaire=questionnaire, by=by, fields=fields)
        else:
            questionnaire_draft_save(questionnaire=questionnaire, by=by, fields=fields)
    return questionnaire


@transaction.atomic
def questionnaire_settings_update(
    *, questionnaire: Questionnaire, by: User, title: str, description: str, is_public: bool
) -> Questionnaire:
    _require_owner(by)
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Give the form a title.")})
    if len(title) > 120:
        raise ValidationError({"title": _("Keep the title under 120 characters.")})
    if questionnaire.kind == Questionnaire.Kind.CHECKIN and is_public:
        raise ValidationError({"is_public": _("Check-ins are answered in the portal only.")})
    questionnaire.title = title
    questionnaire.description = (description or "").strip()
    questionnaire.is_public = is_public
    questionnaire.save(update_fields=["title", "description", "is_public"])
    return questionnaire


@transaction.atomic
def questionnaire_draft_save(
    *, questionnaire: Questionnaire, by: User, fields
) -> QuestionnaireVersion:
    """Keep the builder's work without publishing it. Published versions stay as they are."""
    _require_owner(by)
    cleaned = questionnaire_fields_clean(fields=fields)
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    draft = questionnaire_draft(questionnaire=questionnaire)
    if draft is None:
        top = questionnaire.versions.aggregate(top=Max("number"))["top"] or 0
        return QuestionnaireVersion.objects.create(
            questionnaire=questionnaire, number=top + 1, fields=cleaned
        )
    draft.fields = cleaned
    draft.save(update_fields=["fields"])
    return draft


@transaction.atomic
def questionnaire_publish(
    *, questionnaire: Questionnaire, by: User, fields=None
) -> QuestionnaireVersion:
    """Freeze the questions as a new version (number + 1) that people answer from now on.

    ``fields``: the questions to publish; None publishes the saved draft. Publishing
    questions identical to the current version changes nothing."""
    _require_owner(by)
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    draft = questionnaire_draft(questionnaire=questionnaire)
    if fields is None:
        if draft is None:
            raise ValidationError({"fields": [_("There is nothing new to publish.")]})
        fields = draft.fields
    cleaned = questionnaire_fields_clean(fields=fields)
    current = questionnaire_current_version(questionnaire=questionnaire)
    now = timezone.now()
    if current is not None and current.fields == cleaned:
        if draft is not None:
            draft.delete()
        return current
    if draft is not None:
        draft.fields = cleaned
        draft.published_at = now
        draft.save(update_fields=["fields", "published_at"])
        return draft
    top = questionnaire.versions.aggregate(top=Max("number"))["top"] or 0
    return QuestionnaireVersion.objects.create(
        questionnaire=questionnaire, number=top + 1, fields=cleaned, published_at=now
    )


@transaction.atomic
def questionnaire_from_starter(*, by: User, starter: str) -> Questionnaire:
    """One click: a ready-made form (PAR-Q, goals, weekly check-in), published as v1."""
    if starter not in STARTERS:
        raise ValidationError({"starter": _("Choose one of the templates.")})
    data = STARTERS[starter]
    questionnaire = questionnaire_create(
        by=by,
        title=str(data["title"]),
        kind=data["kind"],
        description=str(data["description"]),
        fields=[dict(field) for field in data["fields"]],
        publish=True,
    )
    return questionnaire


@transaction.atomic
def questionnaire_archive(*, questionnaire: Questionnaire, by: User) -> Questionnaire:
    """Hide a form from new answers (its link stops working); answers are kept."""
    _require_owner(by)
    questionnaire.archived_at = timezone.now()
    questionnaire.is_public = False
    questionnaire.save(update_fields=["archived_at", "is_public"])
    return questionnaire


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


# --- answers ----------------------------------------------------------------------------


def answers_clean(
    *,
    version: QuestionnaireVersion,
    data: dict,
    files: dict | None = None,
    partial: bool = False,
    existing_files: Iterable[str] = (),
    prefix: str | None = None,
) -> tuple[dict, dict]:
    """Validate answers to ``version`` with the same form the pages render.

    Returns (answers as JSON, new uploads by question key). Raises
    ``ValidationError`` keyed by question key, with one message per problem."""
    form = AnswersForm(
        data=data,
        files=files or {},
        version=version,
        partial=partial,
        existing_files={key: True for key in existing_files},
        prefix=prefix,
    )
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return form.answers(), form.uploads()


def _file_keys(version: QuestionnaireVersion) -> set[str]:
    return {spec["key"] for spec in version.fields if spec["type"] == "file"}


def _file_store(*, response: Response, key: str, upload) -> ResponseFile:
    """Save one uploaded answer file (replacing an earlier one for the same question)."""
    for old in response.files.filter(field_key=key):
        name, storage = old.file.name, old.file.storage
        old.delete()
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
    content_type = upload.sniffed_type
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        content_type, "webp"
    )
    content = getattr(upload, "cleaned_content", None)
    if content is None:
        upload.seek(0)
        content = ContentFile(upload.read())
    original = os.path.basename(str(upload.name or "file")).strip()[:200] or "file"
    stored = ResponseFile(
        response=response,
        field_key=key,
        original_name=original,
        content_type=content_type,
        size=content.size,
    )
    stored.file.save(f"{secrets.token_urlsafe(18)}.{extension}", content, save=False)
    stored.save()
    return stored


def _upload_size(upload) -> int:
    content = getattr(upload, "cleaned_content", None)
    return (content.size if content is not None else upload.size) or 0


def _uploads_storage_check(*, response: Response, uploads: dict) -> int:
    """Refuse the uploads (keyed by the first file question) when they would take the
    business past its plan's storage; files they replace are counted as freed.
    Returns the bytes added. One query when there are uploads, none otherwise."""
    if not uploads:
        return 0
    from billing.platform.limits import storage_check

    new = sum(_upload_size(upload) for upload in uploads.values())
    replaced = (
        response.files.filter(field_key__in=list(uploads)).aggregate(total=Sum("size"))["total"]
        or 0
    )
    storage_check(adding_bytes=new - replaced, field=next(iter(uploads)))
    return new - replaced


@transaction.atomic
def response_save(
    *,
    response: Response,
    answers: dict,
    uploads: dict | None = None,
    submit: bool,
    merge: bool = False,
) -> Response:
    """Store answers on a draft and, with ``submit``, send it.

    ``answers`` were cleaned by ``answers_clean``. ``merge`` keeps stored answers
    not given now (the API's partial update); otherwise the answers replace what
    was stored, except files already uploaded. Sending checks again that every
    required question is answered; a response is sent once and never changes after."""
    response = Response.objects.select_for_update().select_related("version").get(pk=response.pk)
    if response.status == Response.Status.SUBMITTED:
        raise ValidationError(
            {NON_FIELD_ERRORS: [_("This was already sent. Thank you!")]}, code="already_sent"
        )
    version = response.version
    file_keys = _file_keys(version)
    stored = dict(response.answers) if merge else {}
    for key in file_keys:
        if key in response.answers:
            stored[key] = response.answers[key]
    stored.update(answers)
    added = _uploads_storage_check(response=response, uploads=uploads or {})
    for key, upload in (uploads or {}).items():
        saved = _file_store(response=response, key=key, upload=upload)
        stored[key] = {
            "file_id": saved.pk,
            "name": saved.original_name,
            "size": saved.size,
            "content_type": saved.content_type,
        }
    if submit:
        have_files = {key for key in file_keys if key in stored}
        answers_clean(
            version=version,
            data={key: value for key, value in stored.items() if key not in file_keys},
            partial=False,
            existing_files=have_files,
        )
    response.answers = stored
    fields = ["answers"]
    if submit:
        response.status = Response.Status.SUBMITTED
        response.submitted_at = timezone.now()
        fields += ["status", "submitted_at"]
    response.save(update_fields=fields)
    if added > 0:
        from billing.platform.limits import storage_counted

        storage_counted(added_bytes=added)
    if submit and response.client_id:
        client_touch(client=response.client)
        if version.questionnaire.kind == Questionnaire.Kind.INTAKE:
            from ..tasks.intake import response_submitted_notify_task

            enqueue_on_commit(response_submitted_notify_task, response_id=response.pk)
    return response


def response_files_by_key(*, response: Response) -> dict[str, ResponseFile]:
    return {stored.field_key: stored for stored in response.files.all()}


def responses_for(*, user: User) -> QuerySet[Response]:
    """Responses ``user`` may see: staff those of their clients, a client their own."""
    responses = Response.objects.select_related("version__questionnaire", "client")
    if not user.is_authenticated:
        return responses.none()
    # held answers (``match``) have no client; said again so no join can let them in
    responses = responses.filter(match__isnull=True)
    if user.is_staff:
        return responses.filter(client__in=client_queryset_for(user=user))
    return responses.filter(client__user_id=user.pk)


def response_file_for(*, user: User, pk: int) -> ResponseFile | None:
    """A private answer file, if ``user`` is its client or one of their coaches; a
    held answer's file, to staff who may see the client it possibly matches."""
    from .intake_held import held_responses_for

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
    """The questions of the version answered, each with its answer as text."""
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
        from datetime import date

        try:
            return date.fromisoformat(value).strftime("%-d %b %Y")
        except (TypeError, ValueError):
            return str(value)
    return str(value)


# --- assignments ----------------------------------------------------------------------


@transaction.atomic
def assignments_create(*, questionnaire: Questionnaire, clients: QuerySet[Client], by: User) -> int:
    """Ask ``clients`` to fill ``questionnaire`` in the portal. Clients already asked
    and not done yet are left alone; clients who answered before are asked again.
    Only clients ``by`` may see are assigned. Returns how many were asked."""
    if questionnaire.kind != Questionnaire.Kind.INTAKE or questionnaire.archived_at:
        raise ValidationError({"questionnaire": _("Choose an intake form that is in use.")})
    if questionnaire_current_version(questionnaire=questionnaire) is None:
        raise ValidationError({"questionnaire": _("Publish the form before sending it.")})
    allowed = client_queryset_for(user=by).filter(pk__in=clients.values("pk"))
    ids = set(allowed.exclude(status=Client.Status.ARCHIVED).values_list("pk", flat=True))
    existing = {
        assignment.client_id: assignment
        for assignment in Assignment.objects.select_for_update(of=("self",))
        .filter(questionnaire=questionnaire, client_id__in=ids)
        .select_related("response")
    }
    now = timezone.now()
    count = 0
    for client_id in ids:
        assignment = existing.get(client_id)
        if assignment is None:
            Assignment.objects.create(
                questionnaire=questionnaire, client_id=client_id, assigned_by=by, assigned_at=now
            )
            count += 1
        elif assignment.response and assignment.response.status == Response.Status.SUBMITTED:
            # asked again: a new round; the earlier answers stay on the client's record
            assignment.response = None
            assignment.assigned_by = by
            assignment.assigned_at = now
            assignment.save(update_fields=["response", "assigned_by", "assigned_at"])
            count += 1
    return count


def assignment_is_done(assignment: Assignment) -> bool:
    return bool(assignment.response and assignment.response.status == Response.Status.SUBMITTED)


def assignments_for_client(*, client: Client) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(client=client, questionnaire__archived_at__isnull=True)
        .select_related("questionnaire", "response")
        .order_by("-assigned_at")
    )


@transaction.atomic
def assignment_response_start(*, assignment: Assignment) -> Response:
    """The response a client fills for an assignment: their draft, or a new one on the
    current version. Raises ValidationError if they already sent it."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("response")
        .get(pk=assignment.pk)
    )
    if assignment.response is not None:
        if assignment.response.status == Response.Status.SUBMITTED:
            raise ValidationError(
                {NON_FIELD_ERRORS: [_("This was already sent. Thank you!")]}, code="already_sent"
            )
        return assignment.response
    version = questionnaire_current_version(questionnaire=assignment.questionnaire)
    if version is None:
        raise ValidationError({NON_FIELD_ERRORS: [_("This form is not ready yet.")]})
    response = Response.objects.create(version=version, client=assignment.client)
    assignment.response = response
    assignment.save(update_fields=["response"])
    return response


# --- leads through the shareable link --------------------------------------------------


def lead_contact_clean(contact: dict) -> dict:
    """Who the shareable link says answered, trimmed; the e-mail in lower case."""
    return {
        "first_name": (contact.get("first_name") or "").strip(),
        "last_name": (contact.get("last_name") or "").strip(),
        "email": (contact.get("email") or "").strip().lower(),
        "phone": (contact.get("phone") or "").strip(),
    }


@transaction.atomic
def lead_intake_submit(
    *, questionnaire: Questionnaire, contact: dict, answers: dict, uploads: dict | None = None
) -> Response:
    """A lead answered a shareable link; their answers are kept with the version they saw.

    A new e-mail address: a new client record in the lead stage, with the answers.
    An address a client already has: nothing on that client changes. Anyone can type
    anyone's address into an open form, so the answers are held off the record
    (``match``) and the address is asked by e-mail to confirm them
    (``held_response_confirm``); a coach who may see the client can also merge them
    or keep them as a separate lead. The person answering is told the same either way.
    """
    from .intake_held import held_response_confirm_request

    version = questionnaire_current_version(questionnaire=questionnaire)
    if version is None:
        raise ValidationError({NON_FIELD_ERRORS: [_("This form is not ready yet.")]})
    contact = lead_contact_clean(contact)
    if not contact["email"]:
        # matching on a blank address would pick any client without one
        raise ValidationError({"email": _("We need your e-mail address to get back to you.")})
    match = Client.objects.filter(email__iexact=contact["email"]).first()
    client = None
    if match is None:
        try:
            with transaction.atomic():
                client = client_create(
                    by=None,
                    first_name=contact["first_name"],
                    last_name=contact["last_name"],
                    email=contact["email"],
                    phone=contact["phone"],
                    source=Client.Source.INTAKE,
                    status=Client.Status.LEAD,
                )
        except (IntegrityError, ValidationError):
            # the same address sent the form twice at once: the other request made the
            # record, and this answer is held like any other for a known address
            match = Client.objects.filter(email__iexact=contact["email"]).first()
            if match is None:
                raise
    response = Response.objects.create(version=version, client=client, contact=contact)
    response = response_save(response=response, answers=answers, uploads=uploads, submit=True)
    if match is not None:
        # held from the moment it is sent (the database refuses a held draft)
        response.match = match
        response.save(update_fields=["match"])
        held_response_confirm_request(response=response)
    return response


def response_submitted_notify(*, response: Response) -> int:
    """Tell the client's primary coach (or the owners) that answers arrived; for
    held answers (``match``), the possible match's coach, that they wait for them."""
    from django.db import connection

    from mectofitness.core.context_processors import business_url
    from mectofitness.core.mail import send_business_mail

    client = response.client or response.match
    if client is None:
        return 0
    if client.primary_coach_id and client.primary_coach.is_active:
        recipients = [client.primary_coach.email]
    else:
        recipients = list(
            User.objects.filter(groups__name=OWNER, is_active=True).values_list("email", flat=True)
        )
    if not recipients:
        return 0
    business = getattr(connection, "tenant", None)
    title = response.version.questionnaire.title
    if response.is_held:
        link = business_url(
            getattr(business, "slug", ""), f"/admin/clients/response/held/{response.pk}/"
        )
        subject = _("Possible match: %(form)s with the e-mail of %(name)s") % {
            "form": title,
            "name": client.full_name,
        }
        body = _(
            "Someone answered “%(form)s” through the form's link with the e-mail address "
            "of %(name)s. The answers are kept apart from %(name)s's record until the "
            "address confirms them by e-mail, or you merge them or keep them as a "
            "separate lead:\n%(link)s\n"
        ) % {"name": client.full_name, "form": title, "link": link}
    else:
        link = business_url(
            getattr(business, "slug", ""), f"/admin/clients/response/{response.pk}/change/"
        )
        subject = _("New answers: %(form)s from %(name)s") % {
            "form": title,
            "name": client.full_name,
        }
        body = _(
            "%(name)s answered “%(form)s”.\n\nRead the answers in the back office:\n%(link)s\n"
        ) % {"name": client.full_name, "form": title, "link": link}
    return send_business_mail(business=business, to=recipients, subject=subject, body=body)

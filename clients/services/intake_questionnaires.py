"""Intake forms: building and publishing questionnaires (the owner's side).

A questionnaire's questions live in versions. The owner edits a draft version
(``published_at`` empty); publishing freezes it. A published version is never
changed again: every response points at the exact version it answered.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policies import is_owner

from ..models import CheckInPlan, Questionnaire, QuestionnaireVersion
from ..selectors_intake import questionnaire_current_version, questionnaire_draft
from ..starters import STARTERS

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


def questionnaire_fields_clean(*, fields: list[dict]) -> list[dict]:
    """Check and normalise a form's questions, as the builder's JSON or the API gave
    them (anything that is not a list of questions is refused here). Raises
    ``ValidationError({"fields": [...]})`` with one clear message per problem, naming
    the question ("Question 3: ...")."""
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


@transaction.atomic
def questionnaire_create(
    *,
    by: User,
    title: str,
    kind: str = Questionnaire.Kind.INTAKE,
    description: str = "",
    fields: list[dict] | None = None,
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
    *, questionnaire: Questionnaire, by: User, fields: list[dict]
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
    *, questionnaire: Questionnaire, by: User, fields: list[dict] | None = None
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
    # an archived check-in is asked no more
    CheckInPlan.objects.filter(questionnaire=questionnaire).update(is_active=False)
    return questionnaire


@transaction.atomic
def questionnaire_builder_save(
    *,
    questionnaire: Questionnaire | None,
    by: User,
    title: str,
    description: str,
    kind: str,
    fields: list[dict],
    publish: bool,
) -> Questionnaire:
    """The builder's "Save draft" or "Publish": a new form (``questionnaire`` None) of
    ``kind``, or the title, introduction and questions of one. All of it or nothing."""
    if questionnaire is None:
        return questionnaire_create(
            by=by,
            title=title,
            kind=kind,
            description=description,
            fields=fields,
            publish=publish,
        )
    questionnaire_settings_update(
        questionnaire=questionnaire,
        by=by,
        title=title,
        description=description,
        is_public=questionnaire.is_public,
    )
    if publish:
        questionnaire_publish(questionnaire=questionnaire, by=by, fields=fields)
    else:
        questionnaire_draft_save(questionnaire=questionnaire, by=by, fields=fields)
    return questionnaire

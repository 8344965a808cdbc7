"""Forms of intake and check-ins.

``AnswersForm`` is the one renderer and validator of a questionnaire version's
answers: the portal, the public link and the API all go through it (the API
via ``answers_clean`` below). It turns each question of
``QuestionnaireVersion.fields`` into a Django form field, validates answers
with per-question messages, and converts what it cleaned into JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mectofitness.core.images import image_reencode

from .models import Questionnaire

MAX_FILE_BYTES = 10 * 1024 * 1024
# a whole submission (answers and files) is refused unread above this: five full files
MAX_BODY_BYTES = 5 * MAX_FILE_BYTES + 1024 * 1024
FILE_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
}
TEXT_LIMITS = {"short_text": 500, "long_text": 5000}


def sniff_content_type(head: bytes) -> str | None:
    """The type of a file from its first bytes (never from its name)."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


class AnswerFileField(forms.FileField):
    """A PDF, JPEG, PNG or WebP up to 10 MB, checked by its content."""

    default_error_messages = {
        "too_big": _("Files can be at most 10 MB."),
        "bad_type": _("Upload a PDF, JPEG, PNG or WebP file."),
        "broken": _("This file is damaged or not what its name says. Try another one."),
    }

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return upload
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(self.error_messages["too_big"], code="too_big")
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        content_type = sniff_content_type(head)
        if content_type is None:
            raise ValidationError(self.error_messages["bad_type"], code="bad_type")
        if content_type == "application/pdf":
            upload.seek(max(0, upload.size - 2048))
            tail = upload.read()
            upload.seek(0)
            if b"%%EOF" not in tail:
                raise ValidationError(self.error_messages["broken"], code="broken")
        else:
            fmt = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}[content_type]
            try:
                # decoded and re-encoded: proves it is an image, drops EXIF (GPS) data
                upload.cleaned_content = image_reencode(upload, max_side=4000, fmt=fmt)
            except ValueError:
                raise ValidationError(self.error_messages["broken"], code="broken") from None
            upload.seek(0)
        upload.sniffed_type = content_type
        return upload


class YesNoField(forms.TypedChoiceField):
    """Yes or no, kept as a boolean; the API may send true/false or "yes"/"no"."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=[("yes", _("Yes")), ("no", _("No"))],
            coerce=lambda value: value == "yes",
            empty_value=None,
            widget=forms.RadioSelect,
            **kwargs,
        )

    def to_python(self, value):
        if value is True:
            return "yes"
        if value is False:
            return "no"
        return super().to_python(value).lower()


class ConsentField(forms.BooleanField):
    def to_python(self, value):
        if isinstance(value, dict):
            value = value.get("agreed")
        return super().to_python(value)


def _number(value) -> str:
    return format(Decimal(str(value)).normalize(), "f")


def field_for(spec: dict, *, partial: bool = False, has_file: bool = False) -> forms.Field:
    """The form field of one question. ``partial``: a draft, nothing is required yet."""
    kind = spec["type"]
    required = bool(spec.get("required")) and not partial
    common = {"label": spec["label"], "help_text": spec.get("help", ""), "required": required}
    messages = {"required": _("Please answer this question.")}
    if kind in TEXT_LIMITS:
        widget = forms.Textarea(attrs={"rows": 4}) if kind == "long_text" else forms.TextInput
        return forms.CharField(
            max_length=TEXT_LIMITS[kind], widget=widget, error_messages=messages, **common
        )
    if kind == "number":
        low, high = spec.get("min"), spec.get("max")
        if low is not None and high is not None:
            bound = _("Enter a number from %(min)s to %(max)s.") % {
                "min": _number(low),
                "max": _number(high),
            }
            low_msg = high_msg = bound
        else:
            low_msg = _("Enter a number of at least %(min)s.") % {"min": _number(low or 0)}
            high_msg = _("Enter a number of at most %(max)s.") % {"max": _number(high or 0)}
        attrs = {"inputmode": "decimal", "step": "any"}
        return forms.DecimalField(
            min_value=Decimal(str(low)) if low is not None else None,
            max_value=Decimal(str(high)) if high is not None else None,
            max_digits=14,
            decimal_places=4,
            widget=forms.NumberInput(attrs=attrs),
            error_messages={
                **messages,
                "invalid": _("Enter a number, like 12 or 7.5."),
                "min_value": low_msg,
                "max_value": high_msg,
                "max_digits": _("That number is too long."),
                "max_decimal_places": _("Use at most 4 decimal places."),
                "max_whole_digits": _("That number is too long."),
            },
            **common,
        )
    if kind == "single_choice":
        return forms.ChoiceField(
            choices=[(c, c) for c in spec.get("choices", [])],
            widget=forms.RadioSelect,
            error_messages={**messages, "invalid_choice": _("Choose one of the options.")},
            **common,
        )
    if kind == "multiple_choice":
        return forms.MultipleChoiceField(
            choices=[(c, c) for c in spec.get("choices", [])],
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                **messages,
                "required": _("Choose at least one option."),
                "invalid_choice": _("Choose only from the options given."),
                "invalid_list": _("Choose only from the options given."),
            },
            **common,
        )
    if kind == "date":
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"],
            error_messages={**messages, "invalid": _("Enter a date like 2025-03-14.")},
            **common,
        )
    if kind == "yes_no":
        return YesNoField(
            error_messages={**messages, "invalid_choice": _("Answer yes or no.")}, **common
        )
    if kind == "scale":
        low, high = int(spec.get("min", 1)), int(spec.get("max", 10))
        return forms.TypedChoiceField(
            choices=[(str(n), str(n)) for n in range(low, high + 1)],
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect(attrs={"class": "mf-scale"}),
            error_messages={
                **messages,
                "invalid_choice": _("Choose a number from %(min)s to %(max)s.")
                % {"min": low, "max": high},
            },
            **common,
        )
    if kind == "file":
        common["required"] = required and not has_file
        return AnswerFileField(
            widget=forms.FileInput(
                attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"}
            ),
            error_messages={**messages, "required": _("Please attach a file.")},
            **common,
        )
    if kind == "consent":
        return ConsentField(
            error_messages={"required": _("Please tick the box to agree.")}, **common
        )
    raise ValueError(f"unknown question type {kind!r}")


def to_json(spec: dict, value):
    """A cleaned value as stored in ``Response.answers`` (None: not answered)."""
    kind = spec["type"]
    if value in (None, "", [], False) and kind != "yes_no":
        return None
    if kind == "number":
        return int(value) if value == value.to_integral_value() else float(value)
    if kind == "date":
        return value.isoformat()
    if kind == "consent":
        return {"agreed": True, "text": spec.get("consent_text", "")}
    if kind == "file":
        return None  # files are ResponseFile rows; the service records them
    return value


def to_initial(spec: dict, value):
    """A stored answer as the form field's initial value (resuming a draft)."""
    kind = spec["type"]
    if value is None:
        return None
    if kind == "yes_no":
        return "yes" if value else "no"
    if kind == "consent":
        return bool(value.get("agreed")) if isinstance(value, dict) else bool(value)
    if kind == "scale":
        return str(value)
    return value


class AnswersForm(forms.Form):
    """The questions of ``version`` as a form.

    ``answers``: stored answers to show (a draft being resumed);
    ``existing_files``: field keys that already have a file (a draft's upload);
    ``partial``: a draft, so nothing is required yet (types are still checked)."""

    def __init__(
        self,
        *args,
        version,
        answers: dict | None = None,
        existing_files: dict | None = None,
        partial: bool = False,
        **kwargs,
    ):
        kwargs.setdefault("prefix", "q")
        answers = answers or {}
        self.existing_files = existing_files or {}
        kwargs["initial"] = {
            spec["key"]: to_initial(spec, answers.get(spec["key"])) for spec in version.fields
        }
        super().__init__(*args, **kwargs)
        self.version = version
        self.specs = {spec["key"]: spec for spec in version.fields}
        for spec in version.fields:
            field = field_for(spec, partial=partial, has_file=spec["key"] in self.existing_files)
            field.spec = spec
            self.fields[spec["key"]] = field

    def answers(self) -> dict:
        """The cleaned answers as JSON (call after ``is_valid()``)."""
        result = {}
        for key, spec in self.specs.items():
            value = to_json(spec, self.cleaned_data.get(key))
            if value is not None:
                result[key] = value
        return result

    def uploads(self) -> dict:
        """New files by question key (call after ``is_valid()``)."""
        return {
            key: self.cleaned_data[key]
            for key, spec in self.specs.items()
            if spec["type"] == "file" and self.cleaned_data.get(key)
        }

    def questions(self):
        """Bound fields with their question spec, for the templates."""
        for key in self.specs:
            bound = self[key]
            yield {
                "field": bound,
                "spec": self.specs[key],
                "type": self.specs[key]["type"],
                "file": self.existing_files.get(key),
            }


def answers_clean(
    *,
    version,
    data: Mapping[str, object],
    files: Mapping | None = None,
    partial: bool = False,
    existing_files: Iterable[str] = (),
    prefix: str | None = None,
) -> tuple[dict, dict]:
    """Validate answers to ``version`` (the API's JSON) with the same form the pages
    render. Returns (answers as JSON, new uploads by question key). Raises
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


def answers_check_complete(
    *, version, answers: Mapping[str, object], have_files: Iterable[str]
) -> None:
    """Before answers are sent: raise ``ValidationError`` keyed by question key unless
    the stored ``answers`` (JSON, as cleaned) and files answer every required question,
    with the messages the form gives."""
    file_keys = {spec["key"] for spec in version.fields if spec["type"] == "file"}
    answers_clean(
        version=version,
        data={key: value for key, value in answers.items() if key not in file_keys},
        partial=False,
        existing_files=have_files,
    )


class LeadContactForm(forms.Form):
    """Who is answering a public intake link."""

    first_name = forms.CharField(label=_("First name"), max_length=80)
    last_name = forms.CharField(label=_("Last name"), max_length=80, required=False)
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        error_messages={
            "required": _("We need your e-mail address to get back to you."),
            "invalid": _("Enter an e-mail address like name@example.com."),
        },
    )
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    website = forms.CharField(required=False, label=_("Leave this empty"))  # honeypot

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "contact")
        super().__init__(*args, **kwargs)
        self.fields["first_name"].error_messages["required"] = _("Please tell us your first name.")
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off")


class CheckInReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Your reply"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The client sees this under their check-in."),
    )


class CheckInPlanForm(forms.Form):
    period_days = forms.IntegerField(label=_("Every (days)"), min_value=1, max_value=90)
    starts_on = forms.DateField(
        label=_("First period starts"), widget=forms.DateInput(attrs={"type": "date"})
    )
    is_active = forms.BooleanField(label=_("Active: prompt clients"), required=False)


# --- the back office's pages -----------------------------------------------------------


class QuestionnaireBuilderForm(forms.Form):
    """The builder's post: the form's title, introduction, kind and its questions as
    JSON (the builder's script writes them). The questions are checked by the
    service (``questionnaire_fields_clean``), the JSON only read here."""

    title = forms.CharField(required=False, strip=False)
    description = forms.CharField(required=False, strip=False)
    kind = forms.CharField(required=False)
    fields_json = forms.CharField(required=False, strip=False)

    def clean_kind(self) -> str:
        # not sent (a form that exists shows no kind): the form's own
        return self.data.get("kind", self.initial.get("kind", Questionnaire.Kind.INTAKE))

    def clean_fields_json(self):
        try:
            return json.loads(self.cleaned_data["fields_json"] or "[]")
        except ValueError:
            raise ValidationError(
                _("The questions could not be read. Reload the page and try again.")
            ) from None


class QuestionnaireSettingsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown above the questions."),
    )


class ClientIdsField(forms.Field):
    """Client ids, from ticked boxes (a list) or a link's ``?ids=1,2,3``; anything
    that is not a number is left out. Which clients one may reach, services decide."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        if isinstance(value, str):
            value = value.split(",")
        return [int(v) for v in value or [] if str(v).isdigit()]


class SendToClientsForm(forms.Form):
    """The send page: ``clients`` ticked (POST), or a search (``q``) or the ids ticked
    on the client list (``ids``) to show (GET)."""

    clients = ClientIdsField(required=False)
    q = forms.CharField(required=False)
    ids = ClientIdsField(required=False, widget=forms.HiddenInput)

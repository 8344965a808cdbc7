"""Forms for measurements and progress photos (portal and back office).

Values are typed in the viewer's units and converted to SI here; the
services check bounds and dates again, so the API and these forms agree.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mectofitness.core.quotas import storage_check

from . import units as u
from .models import Client, Measurement, Metric, ProgressPhoto
from .services.measurements import client_today, measurement_validate, metric_clean
from .services.photos import MAX_UPLOAD_BYTES, accepted_types_text, photo_image_clean
from .widgets import ClientSelect


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def metric_label(metric: Metric, system: str) -> str:
    symbol = u.display_unit(kind=metric.kind, system=system, unit=metric.unit).symbol
    return f"{metric.name} ({symbol})" if symbol else metric.name


class MetricChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, system: str = u.METRIC, **kwargs):
        self.system = system
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return metric_label(obj, self.system)


class MeasurementForm(forms.Form):
    """Log one value. ``units`` is the typist's system; ``today`` the client's date.

    With ``clients`` (a queryset) the form also asks whose value it is (back office)."""

    client = forms.ModelChoiceField(
        queryset=Client.objects.none(),
        label=_("Client"),
        error_messages={
            "required": _("Choose the client."),
            "invalid_choice": _("Choose one of your clients."),
        },
        widget=ClientSelect,
    )
    metric = MetricChoiceField(
        queryset=Metric.objects.none(),
        label=_("Measurement"),
        empty_label=_("Choose…"),
        error_messages={
            "required": _("Choose what you measured."),
            "invalid_choice": _("Choose a measurement from the list."),
        },
    )
    value = forms.CharField(
        label=_("Value"),
        max_length=20,
        error_messages={"required": _("Enter a number.")},
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "enterkeyhint": "done"}
        ),
    )
    measured_on = forms.DateField(
        label=_("Date"),
        widget=DateInput(),
        error_messages={
            "required": _("Enter the date you measured, like 2025-03-14."),
            "invalid": _("Enter a real date, like 2025-03-14."),
        },
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("Keep the note under 200 characters.")},
    )

    def __init__(
        self,
        *args,
        units: str,
        today: datetime.date,
        clients=None,
        metrics=None,
        **kwargs,
    ):
        kwargs.setdefault("initial", {}).setdefault("measured_on", today)
        super().__init__(*args, **kwargs)
        self.units, self.today = units, today
        if clients is None:
            del self.fields["client"]
        else:
            self.fields["client"].queryset = clients
        if metrics is None:
            metrics = Metric.objects.filter(archived_at__isnull=True)
        self.fields["metric"].queryset = metrics
        self.fields["metric"].system = units
        self.fields["measured_on"].widget.attrs["max"] = today.isoformat()
        self.value_si = None

    def metric_units(self) -> dict:
        """{metric id: unit symbol} for the script that labels the value field."""
        return {
            str(m.pk): u.display_unit(kind=m.kind, system=self.units, unit=m.unit).symbol
            for m in self.fields["metric"].queryset
        }

    def clean(self):
        cleaned = super().clean()
        metric = cleaned.get("metric")
        raw = cleaned.get("value")
        if metric is not None and raw not in (None, ""):
            try:
                self.value_si = u.parse(raw, kind=metric.kind, system=self.units)
            except ValueError:
                self.add_error("value", _("Enter a number, like 72.5."))
                return cleaned
            try:
                measurement_validate(
                    metric=metric,
                    value=self.value_si,
                    measured_on=cleaned.get("measured_on") or self.today,
                    today=self.today,
                    units=self.units,
                )
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    if field in self.fields and field not in self.errors:
                        self.add_error(field, messages)
        return cleaned


class MetricForm(forms.ModelForm):
    """The owner's own measurement (back office)."""

    class Meta:
        model = Metric
        fields = ["name", "kind", "unit", "higher_is_better", "position"]
        help_texts = {
            "unit": _("Only for 'Other': reps, bpm, points…"),
            "higher_is_better": _("Colours the change green or red. Unknown: neutral."),
            "position": _("Lower numbers come first in lists."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # a coach may only look: the admin then builds this form without the
        # read-only fields, so each one may be missing
        if "higher_is_better" in self.fields:
            self.fields["higher_is_better"].widget = forms.Select(
                choices=[("unknown", _("Neither")), ("true", _("Higher")), ("false", _("Lower"))]
            )
        if "kind" in self.fields and (
            self.instance.pk and (self.instance.is_builtin or self.instance.measurements.exists())
        ):
            self.fields["kind"].disabled = True
            self.fields["kind"].help_text = _("Fixed: values are stored in this kind's unit.")

    def clean(self):
        cleaned = super().clean()
        probe = Metric(
            pk=self.instance.pk,
            name=cleaned.get("name") or "",
            kind=cleaned.get("kind") or "",
            unit=cleaned.get("unit") or "",
        )
        try:
            metric_clean(metric=probe)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                if field not in self.errors:
                    self.add_error(field, messages)
        else:
            cleaned["name"], cleaned["unit"] = probe.name, probe.unit
        return cleaned


class PhotoForm(forms.Form):
    """A progress photo: the file (phones open the camera), pose and date."""

    client = forms.ModelChoiceField(
        queryset=Client.objects.none(),
        label=_("Client"),
        error_messages={
            "required": _("Choose the client."),
            "invalid_choice": _("Choose one of your clients."),
        },
        widget=ClientSelect,
    )
    image = forms.FileField(
        label=_("Photo"),
        error_messages={
            "required": _("Choose a photo to upload."),
            "empty": _("This file is empty."),
            "invalid": _("Choose a photo to upload."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    pose = forms.ChoiceField(
        label=_("Pose"),
        choices=ProgressPhoto.Pose.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose front, side or back."),
            "invalid_choice": _("Choose front, side or back."),
        },
    )
    taken_on = forms.DateField(
        label=_("Date"),
        widget=DateInput(),
        error_messages={
            "required": _("Enter the date the photo was taken, like 2025-03-14."),
            "invalid": _("Enter a real date, like 2025-03-14."),
        },
    )

    def __init__(self, *args, today: datetime.date, clients=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("taken_on", today)
        super().__init__(*args, **kwargs)
        self.today = today
        if clients is None:
            del self.fields["client"]
        else:
            self.fields["client"].queryset = clients
        self.fields["taken_on"].widget.attrs["max"] = today.isoformat()
        self.fields["image"].help_text = _("%(types)s, up to %(mb)s MB.") % {
            "types": accepted_types_text(),
            "mb": MAX_UPLOAD_BYTES // (1024 * 1024),
        }

    def clean_taken_on(self):
        taken_on = self.cleaned_data["taken_on"]
        if taken_on > self.today:
            raise ValidationError(_("The date cannot be in the future."))
        return taken_on


class CompareForm(forms.Form):
    """Two dates of one pose, side by side."""

    pose = forms.ChoiceField(label=_("Pose"), choices=ProgressPhoto.Pose.choices)
    before = forms.TypedChoiceField(label=_("Before"), coerce=int, required=False)
    after = forms.TypedChoiceField(label=_("After"), coerce=int, required=False)

    def __init__(self, *args, photos_by_pose: dict, **kwargs):
        super().__init__(*args, **kwargs)
        pose = self.data.get("pose") or self.initial.get("pose") or ProgressPhoto.Pose.FRONT
        photos = photos_by_pose.get(pose, [])
        choices = [(p.pk, p.taken_on.strftime("%-d %b %Y")) for p in photos]
        self.fields["before"].choices = choices
        self.fields["after"].choices = choices


class MeasurementAdminForm(forms.ModelForm):
    """The back office's add/change form: the value in the viewer's units."""

    display_value = forms.CharField(
        label=_("Value"),
        max_length=20,
        error_messages={"required": _("Enter a number.")},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    class Meta:
        model = Measurement
        fields = ["client", "metric", "measured_on", "note"]
        error_messages = {
            "client": {
                "required": _("Choose the client."),
                "invalid_choice": _("Choose one of your clients."),
            },
            "metric": {"required": _("Choose what was measured.")},
            "measured_on": {"required": _("Enter the date of the measurement, like 2025-03-14.")},
        }

    units = u.METRIC
    value_si = None

    def _get_validation_exclusions(self):
        # a second value the same day updates the first (the service does it): skip the
        # model's one-per-day constraint here, or the form would refuse it
        exclusions = super()._get_validation_exclusions()
        exclusions.add("measured_on")
        return exclusions

    def clean(self):
        cleaned = super().clean()
        metric, client = cleaned.get("metric"), cleaned.get("client")
        raw = cleaned.get("display_value")
        if metric is None or raw in (None, ""):
            return cleaned
        try:
            self.value_si = u.parse(raw, kind=metric.kind, system=self.units)
        except ValueError:
            self.add_error("display_value", _("Enter a number, like 72.5."))
            return cleaned
        today = client_today(client=client) if client else datetime.date.today()
        try:
            measurement_validate(
                metric=metric,
                value=self.value_si,
                measured_on=cleaned.get("measured_on") or today,
                today=today,
                units=self.units,
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                target = "display_value" if field == "value" else field
                if target in self.fields and target not in self.errors:
                    self.add_error(target, messages)
        return cleaned


def compare_context(*, client, data) -> dict:
    """Photos of one pose on two dates. Defaults: the first and the latest photo.
    One query for all the client's photos."""
    photos = list(ProgressPhoto.objects.filter(client=client).order_by("-taken_on", "-pk"))
    by_pose: dict[str, list] = {}
    for photo in photos:
        by_pose.setdefault(photo.pose, []).append(photo)
    pose = data.get("pose")
    if pose not in ProgressPhoto.Pose.values:
        pose = next((p for p in ProgressPhoto.Pose.values if by_pose.get(p)), "front")
    of_pose = by_pose.get(pose, [])
    ids = {p.pk: p for p in of_pose}

    def pick(name, default):
        try:
            return ids.get(int(data.get(name, "")), default)
        except (TypeError, ValueError):
            return default

    before = pick("before", of_pose[-1] if of_pose else None)
    after = pick("after", of_pose[0] if of_pose else None)
    form = CompareForm(
        initial={
            "pose": pose,
            "before": before.pk if before else None,
            "after": after.pk if after else None,
        },
        photos_by_pose={pose: of_pose},
    )
    return {
        "compare_form": form,
        "pose": pose,
        "pose_label": ProgressPhoto.Pose(pose).label,
        "poses": [
            {"value": value, "label": label, "count": len(by_pose.get(value, []))}
            for value, label in ProgressPhoto.Pose.choices
        ],
        "of_pose": of_pose,
        "before": before,
        "after": after,
        "days_between": (after.taken_on - before.taken_on).days if before and after else None,
    }


class PhotoAdminForm(forms.ModelForm):
    """Add: client, pose, date and the file. Change: pose and date only."""

    upload = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    class Meta:
        model = ProgressPhoto
        fields = ["client", "pose", "taken_on"]
        error_messages = {
            "client": {
                "required": _("Choose the client."),
                "invalid_choice": _("Choose one of your clients."),
            },
            "pose": {"required": _("Choose front, side or back.")},
            "taken_on": {"required": _("Enter the date the photo was taken.")},
        }

    cleaned_image = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["upload"].required = True
            self.fields["upload"].error_messages["required"] = _("Choose a photo to upload.")
            self.fields["upload"].help_text = _("%(types)s, up to %(mb)s MB.") % {
                "types": accepted_types_text(),
                "mb": MAX_UPLOAD_BYTES // (1024 * 1024),
            }

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if self.instance.pk or not upload:
            return upload
        try:
            self.cleaned_image = photo_image_clean(upload)
            storage_check(adding_bytes=self.cleaned_image.size, field="image")
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["image"]) from None
        return upload

    def clean_taken_on(self):
        taken_on = self.cleaned_data.get("taken_on")
        client = self.cleaned_data.get("client") or getattr(self.instance, "client", None)
        if taken_on and client and taken_on > client_today(client=client):
            raise ValidationError(_("The date cannot be in the future."))
        return taken_on

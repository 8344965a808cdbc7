"""The portal's "log a workout of your own" form: a name, notes, and rows of
exercise, sets, reps, load and minutes. Exercise names are matched against the
library with its typo-tolerant search, so "benchpress" finds Bench Press."""

import uuid
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ROWS = 8


class AdHocWorkoutForm(forms.Form):
    workout_uuid = forms.UUIDField(widget=forms.HiddenInput)
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        initial=_("My workout"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    minutes = forms.IntegerField(
        label=_("How long (minutes)"),
        min_value=1,
        max_value=600,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("How did it feel?")}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("workout_uuid", uuid.uuid4())


class AdHocRowForm(forms.Form):
    exercise = forms.CharField(
        label=_("Exercise"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("e.g. Bench press")}),
    )
    sets = forms.IntegerField(
        label=_("Sets"),
        min_value=1,
        max_value=20,
        initial=3,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    reps = forms.IntegerField(
        label=_("Reps"),
        min_value=0,
        max_value=200,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    load = forms.DecimalField(
        label=_("Load"),
        min_value=Decimal(0),
        max_value=Decimal(2200),
        max_digits=7,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )
    minutes = forms.IntegerField(
        label=_("Minutes"),
        min_value=1,
        max_value=600,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def clean(self):
        data = super().clean()
        if not data.get("exercise"):
            if any(data.get(k) not in (None, "") for k in ("reps", "load", "minutes")):
                raise ValidationError({"exercise": _("Name the exercise.")})
            return data
        if data.get("reps") is None and data.get("minutes") is None:
            raise ValidationError({"reps": _("Give the reps (or the minutes, for cardio).")})
        return data


AdHocRowFormSet = forms.formset_factory(AdHocRowForm, extra=ROWS, max_num=ROWS, validate_max=True)

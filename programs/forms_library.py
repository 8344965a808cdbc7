"""Forms of the exercise library's back-office pages."""

from django import forms
from django.utils.translation import gettext as _

from programs.catalog.models import Category, Force, Level, Measurement, Mechanics, Pattern
from programs.catalog.text import EQUIPMENT, MUSCLES

LINES = forms.Textarea(attrs={"rows": 5})


def _blank(choices) -> list:
    return [("", "—"), *choices]


class ExerciseForm(forms.Form):
    """A business's own exercise; lists are one item per line, vocabularies checkboxes."""

    name = forms.CharField(label=_("Name"), max_length=120)
    aliases = forms.CharField(
        label=_("Other names"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: what people also call it, for search."),
    )  # fmt: skip
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    movement_pattern = forms.ChoiceField(
        label=_("Movement pattern"), choices=_blank(Pattern.choices), required=False
    )
    level = forms.ChoiceField(label=_("Level"), choices=_blank(Level.choices), required=False)
    mechanics = forms.ChoiceField(
        label=_("Mechanics"), choices=_blank(Mechanics.choices), required=False
    )
    force = forms.ChoiceField(label=_("Force"), choices=_blank(Force.choices), required=False)
    measurement = forms.ChoiceField(
        label=_("Measured by"),
        choices=[("", _("Guess from the name and equipment")), *Measurement.choices],
        required=False,
        help_text=_(
            "What a client logs for a set: a plank is timed, a carry goes over a distance, "
            "a push-up is counted in reps. The logger's columns and records follow it."
        ),
    )
    primary_muscles = forms.MultipleChoiceField(
        label=_("Primary muscles"), choices=[(m, m.title()) for m in MUSCLES], required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    secondary_muscles = forms.MultipleChoiceField(
        label=_("Secondary muscles"), choices=[(m, m.title()) for m in MUSCLES], required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    equipment = forms.MultipleChoiceField(
        label=_("Equipment"), choices=[(e, e.title()) for e in EQUIPMENT], required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    instructions = forms.CharField(
        label=_("Instructions"), required=False, widget=LINES, help_text=_("One step per line.")
    )
    cues = forms.CharField(
        label=_("Coaching cues"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One cue per line, at most six."),
    )  # fmt: skip
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")

    @classmethod
    def initial_for(cls, exercise) -> dict:
        initial = {name: getattr(exercise, name) for name in cls.base_fields}
        for name in ("aliases", "instructions", "cues"):
            initial[name] = "\n".join(initial[name])
        return initial

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("aliases", "instructions", "cues"):
            data[name] = data[name].splitlines()
        if not data.get("measurement"):
            data.pop("measurement", None)  # new: guessed; edited: kept as it was
        return data

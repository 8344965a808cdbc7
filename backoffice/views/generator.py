"""Back office: the program generator page. Pick a client (their latest answers fill
the intake) or fill it by hand, generate, read the reasons, open the draft in the
builder."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.selectors import client_queryset_for
from programs.models import Program
from programs.services import generator as gen

from ..chrome import render_page


def urls(site):
    return [path("programs/generator/", site.admin_view(generator_view), name="programs_generator")]


class IntakeForm(forms.Form):
    client = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=gettext_lazy("Client"),
        empty_label=gettext_lazy("No client: a template"),
        help_text=gettext_lazy("Their latest goals answers fill the fields below you leave empty."),
    )
    goal = forms.ChoiceField(
        label=gettext_lazy("Goal"),
        required=False,
        choices=[("", gettext_lazy("From the answers"))] + list(Program.Goal.choices),
    )
    level = forms.ChoiceField(
        label=gettext_lazy("Experience"),
        required=False,
        choices=[
            ("", gettext_lazy("From the answers")),
            ("beginner", gettext_lazy("Beginner")),
            ("intermediate", gettext_lazy("Intermediate")),
            ("advanced", gettext_lazy("Advanced")),
        ],
    )
    days_per_week = forms.IntegerField(
        label=gettext_lazy("Days per week"), required=False, min_value=1, max_value=7
    )
    minutes = forms.IntegerField(
        label=gettext_lazy("Minutes per session"), required=False, min_value=20, max_value=180
    )
    equipment = forms.MultipleChoiceField(
        label=gettext_lazy("Equipment the client has"),
        required=False,
        choices=gen.EQUIPMENT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Body weight is always included. None ticked: taken from the answers, or a full gym."
        ),
    )
    injuries = forms.CharField(
        label=gettext_lazy("Injuries to work around"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "e.g. “left knee (ACL 2022), shoulder impingement”. Knee, shoulder, lower back, "
            "wrist, elbow, hip, ankle and neck are recognised."
        ),
    )
    as_template = forms.BooleanField(
        label=gettext_lazy("Save as a template, not the client's own program"), required=False
    )
    name = forms.CharField(label=gettext_lazy("Program name"), required=False, max_length=120)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = client_queryset_for(
            user=user, include_archived=False
        ).order_by("first_name", "last_name")


def generator_view(request):
    """GET: the intake form (``?client=`` preselects). POST: generate a draft, show it."""
    if not (request.user.is_staff and request.user.has_perm("programs.add_program")):
        raise PermissionDenied
    initial = {"days_per_week": None}
    if request.GET.get("client", "").isdigit():
        initial["client"] = request.GET["client"]
    form = IntakeForm(request.POST or None, user=request.user, initial=initial)
    generated = None
    answers_notes: list[str] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "", [])}
        client = data.pop("client", None)
        as_template = data.pop("as_template", False)
        name = data.pop("name", "")
        from_answers: dict = {}
        if client is not None:
            from_answers, answers_notes = gen.intake_from_answers(client=client)
        merged = {"minutes": 60, "days_per_week": 3} | from_answers | data
        if "minutes" not in data and "minutes" not in from_answers:
            answers_notes.append(_("Minutes per session not given: 60 assumed."))
        if "equipment" not in merged:
            merged["equipment"] = sorted(gen.GYM)
            answers_notes.append(_("Equipment not given: a full gym assumed."))
        try:
            intake = gen.intake_validate(merged)
            generated = gen.program_generate(
                intake=intake,
                client=None if as_template else client,
                by=request.user,
                name=name,
                intake_notes=answers_notes,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            status = 400
        else:
            messages.success(
                request,
                _("Generated “%(name)s”. Review it, then open it in the builder.")
                % {"name": generated.program.name},
            )
    elif request.method == "POST":
        status = 400
    context = {
        "title": _("Program generator"),
        "form": form,
        "generated": generated,
        "builder_url": f"/admin/programs/program/{generated.program.pk}/builder/"
        if generated
        else "",
        "notes_by_topic": _group(generated.program.generator_notes) if generated else [],
    }
    return render_page(request, "programs/backoffice/generator.html", context, status=status)


TOPIC_TITLES = {
    "intake": gettext_lazy("Intake"),
    "split": gettext_lazy("Split"),
    "goal": gettext_lazy("Reps and effort"),
    "equipment": gettext_lazy("Equipment"),
    "injury": gettext_lazy("Injuries"),
    "volume": gettext_lazy("Weekly volume"),
    "time": gettext_lazy("Session length"),
    "progression": gettext_lazy("Progression"),
}


def _group(notes: list[dict]) -> list[dict]:
    groups: dict[str, list[str]] = {}
    for note in notes:
        groups.setdefault(note.get("topic", ""), []).append(note.get("text", ""))
    return [
        {"title": TOPIC_TITLES.get(t, t.title()), "texts": texts} for t, texts in groups.items()
    ]

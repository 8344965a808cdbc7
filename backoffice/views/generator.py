"""Back office: the program generator page. Pick a client (their latest answers fill
the intake) or fill it by hand, generate, read the reasons, open the draft in the
builder."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.policies import staff_may
from programs.forms_generator import IntakeForm
from programs.services import generator as gen

from ..chrome import render_page


def urls(site):
    return [path("programs/generator/", site.admin_view(generator_view), name="programs_generator")]


def generator_view(request):
    """GET: the intake form (``?client=`` preselects). POST: generate a draft, show it."""
    if not staff_may(request.user, "programs.add_program"):
        raise PermissionDenied
    initial = {"days_per_week": None}
    if request.GET.get("client", "").isdigit():
        initial["client"] = request.GET["client"]
    form = IntakeForm(request.POST or None, user=request.user, initial=initial)
    generated = None
    answers_notes: list[str] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        client = form.cleaned_data["client"]
        try:
            intake, answers_notes = gen.intake_compose(
                client=client, assume_defaults=True, **form.intake_fields()
            )
            generated = gen.program_generate(
                intake=intake,
                client=None if form.cleaned_data["as_template"] else client,
                by=request.user,
                name=form.cleaned_data["name"],
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

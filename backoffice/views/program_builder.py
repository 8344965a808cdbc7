"""Back office: programs. The list (templates and client programs), the "New program"
form, and a builder page per program; the builder's changes go through the JSON API
(``programs.api.builder``), so the page and the API share one set of rules. Without
JavaScript, the builder's "Move to" forms post here.

Coaches build templates and the programs of clients they coach; a client program
of someone else's client is a 404 here as in the API (``program_queryset_for``).
The paths and names are the program list's own (``programs/program/...``), mounted
before ``programs.admin.builder.ProgramAdmin``'s stock routes.
"""

from html import escape
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from accounts.policies import is_staff_member
from programs.forms_builder import MoveForm, ProgramCreateForm
from programs.models import Block, Prescription, Program, ProgramDay
from programs.progression import prescription_for_week, progression_text
from programs.selectors.assignment import program_weeks_now
from programs.selectors.builder import (
    exercise_name,
    exercise_picker,
    move_target_get,
    program_can_edit,
    program_list_for,
    program_outline,
    program_queryset_for,
)
from programs.services.prescriptions import prescription_move
from programs.services.program_structure import block_move, program_create
from programs.sets import format_time_distance

from ..chrome import ListPage, render_page


def urls(site):
    view = site.admin_view
    return [
        path("programs/program/", view(program_list_view), name="programs_program_changelist"),
        path("programs/program/add/", view(program_add_view), name="programs_program_add"),
        path(
            "programs/program/<path:object_id>/change/",
            view(program_change_view),
            name="programs_program_change",
        ),
        path(
            "programs/program/<int:pk>/builder/",
            view(builder_view),
            name="programs_program_builder",
        ),
        path(
            "programs/program/<int:pk>/builder/move/",
            view(builder_move_view),
            name="programs_program_builder_move",
        ),
        path("programs/program/exercises/", view(picker_view), name="programs_program_exercises"),
    ]


def _staff(request) -> None:
    if not is_staff_member(request.user):
        raise PermissionDenied


# --- the list ----------------------------------------------------------------------


PROGRAMS_PER_PAGE = 50


def program_list_view(request):
    _staff(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in ("template", "client") else ""
    goal = request.GET.get("goal", "")
    goal = goal if goal in Program.Goal.values else ""
    query = request.GET.get("q", "")[:100]
    # a page at a time: a business of thousands of clients has a program for each
    page = ListPage.of(
        program_list_for(user=request.user, kind=kind, query=query, goal=goal),
        number=request.GET.get("page"),
        size=PROGRAMS_PER_PAGE,
    )
    context = {
        "title": _("Programs"),
        "opts": Program._meta,
        "programs": page.rows,
        "page": page,
        "filters": urlencode({"kind": kind, "q": query, "goal": goal}),
        "kind": kind,
        "goal": goal,
        "query": query,
        "goals": Program.Goal.choices,
        "form": ProgramCreateForm(user=request.user),
    }
    return render_page(request, "programs/backoffice/builder_list.html", context)


def program_add_view(request):
    """The list's "New program" form posts here; on success, to the builder."""
    _staff(request)
    form = ProgramCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            program = program_create(
                by=request.user,
                name=data["name"],
                goal=data.get("goal") or "",
                length_weeks=data["length_weeks"],
                client=data.get("client"),
                days=[_("Day %(n)d") % {"n": n} for n in range(1, data["days"] + 1)],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Created %(name)s.") % {"name": program.name})
            return redirect("backoffice:programs_program_builder", program.pk)
    context = {"title": _("New program"), "opts": Program._meta, "form": form}
    status = 400 if form.errors else 200
    return render_page(request, "programs/backoffice/builder_new.html", context, status=status)


def program_change_view(request, object_id: str):
    """A program's change page is its builder."""
    _staff(request)
    if not str(object_id).isdigit():
        raise Http404
    return redirect("backoffice:programs_program_builder", int(object_id))


# --- the builder -------------------------------------------------------------------


def _clock(seconds: int) -> str:
    """Seconds as m:ss ("2:00", "0:45"), as coaches write rest."""
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"


def _load_short(kind: str, value) -> str:
    """A load as the one-line prescription writes it: "80\u00a0kg", "75%", "RPE 8"."""
    if value is None or kind in ("", Prescription.Load.NONE):
        return ""
    number = f"{value.normalize():f}"
    return {
        "kg": f"{number}\u00a0kg",
        "percent_1rm": f"{number}%",
        "rpe": f"RPE {number}",
        "rir": f"{number} RIR",
    }.get(kind, number)


def _dose(prescription: Prescription, first, words: dict) -> str:
    """ "3 × 5 @ 75%", "3 × 8–10", "3 × 30 s": sets, reps or time, week one's load."""
    p = prescription
    reps = ""
    if p.reps_min:
        reps = f"{p.reps_min}\u2013{p.reps_max}" if p.reps_max else str(p.reps_min)
    time = format_time_distance(p.duration_seconds, p.distance_m)
    what = " ".join(part for part in (reps, time) if part)
    text = f"{p.sets} \u00d7 {what}" if what else words["sets"] % {"n": p.sets}
    load = _load_short(first.load_kind, first.load_value)
    return f"{text} @ {load}" if load else text


def _plan(targets: list, words: dict) -> str:
    """The first weeks' targets of a progressing prescription, for its editor."""
    parts = []
    for t in targets:
        load = _load_short(t.load_kind, t.load_value)
        text = f"wk {t.week_number} {t.reps_text}{f' @ {load}' if load else ''}"
        parts.append(text + (words["deload"] if t.is_deload else ""))
    return " · ".join(parts)


def _prepare(program: Program, weeks: list) -> dict:
    """What the builder shows, worked out once in Python from ``weeks`` (as
    ``program_outline`` gives them; no query), as plain dicts (the template's lookups
    on a dict cost a fraction of those on a model):

    - ``weeks``: week -> days -> blocks -> prescriptions, each prescription with its
      one line (``line``) and, when it progresses, its first weeks (``plan``);
    - ``data``: the page's JSON, from which its script makes an exercise's editor and
      a block's tools when they are opened (one shared copy in the page rather than
      one per exercise) and fills the "Move to…" lists;
    - ``parts``: the same dicts by ``rx-12`` / ``block-5``, for ``_open_move``.

    Without JavaScript a "Move to…" list offers the workouts of its own week."""
    written = len(weeks)
    length = program.length_weeks
    numbers = sorted({1, 2, min(length, 3), min(length, 4), length})
    kinds = dict(Block.Kind.choices)
    data: dict = {"rx": {}, "blocks": {}, "weeks": []}
    parts: dict = {}
    at_end = _("as a new block at the end")
    # translated once a page (gettext costs more than the rest of a line), and each
    # distinct progression rule's text once (``_rule_text``)
    words = {
        "sets": _("%(n)d sets"),
        "deload": _(" (deload)"),
        "tempo": _("tempo %(tempo)s"),
        "rest": _("rest %(time)s"),
        "week": _("Week"),
        "progresses": _("progresses"),
        "rules": {},
    }
    view = []
    for week in weeks:
        days, moves = [], []
        for day in week.day_list:
            label = f"{words['week']} {week.number} \u00b7 {day.name}"
            blocks, into = [], []
            day_blocks = day.block_list
            for number, block in enumerate(day_blocks, 1):
                item = _prepare_block(block, number, len(day_blocks), kinds, data, day.pk)
                rxs = block.rx_list
                for index, p in enumerate(rxs, 1):
                    rx = _prepare_rx(p, item, index, len(rxs), written, numbers, words)
                    rx["week"] = week.pk
                    data["rx"][rx["pk"]] = _editor(p, rx, item)
                    parts[f"rx-{p.pk}"] = rx
                    item["rxs"].append(rx)
                item["names"] = ", ".join(rx["name"] for rx in item["rxs"])
                data["blocks"][item["pk"]]["names"] = item["names"]
                into.append([block.pk, f"{number}. {item['kind_text']}: {item['names']}"[:90]])
                parts[f"block-{block.pk}"] = item
                blocks.append(item)
            days.append({"pk": _id(day.pk), "name": day.name, "label": label, "blocks": blocks})
            moves.append({"id": day.pk, "label": label, "blocks": into})
        data["weeks"].append({"id": week.pk, "days": moves})
        rx_options = format_html_join(
            "",
            '<optgroup label="{}"><option value="day:{}">{}</option></optgroup>',
            ((day["label"], day["pk"], at_end) for day in days),
        )
        for day in days:
            block_options = format_html_join(
                "",
                '<option value="day:{}">{}</option>',
                ((other["pk"], other["label"]) for other in days if other is not day),
            )
            for block in day["blocks"]:
                block["move_options"] = block_options
                for rx in block["rxs"]:
                    rx["move_options"] = rx_options
        view.append({"pk": _id(week.pk), "number": week.number, "days": days})
    return {
        "weeks": view,
        "data": data,
        "parts": parts,
        "can_move": sum(len(w["days"]) for w in view) > 1,
    }


def _prepare_block(
    block: Block, number: int, count: int, kinds: dict, data: dict, day: int
) -> dict:
    """A block's part of the page, and its tools' values in ``data``."""
    letter = _letter(number)
    data["blocks"][str(block.pk)] = {
        "day": day,
        "kind": block.kind,
        "rounds": block.rounds,
        "rest_after_seconds": block.rest_after_seconds,
        "note": block.note,
        "letter": letter,
        "first": number == 1,
        "last": number == count,
    }
    return {
        "pk": _id(block.pk),
        "kind": block.kind,
        "kind_text": kinds.get(block.kind, block.kind),
        "is_straight": block.kind == Block.Kind.STRAIGHT,
        "rounds": block.rounds if block.rounds > 1 else None,
        "rest_text": _clock(block.rest_after_seconds) if block.rest_after_seconds else "",
        "note": block.note,
        "letter": letter,
        "rxs": [],
        "is_moving": False,
    }


def _open_move(request, prepared: dict) -> None:
    """``?move=rx-12`` or ``?move=block-5``: that part's "Move to…" form opens with
    every place it may go (other weeks, and for an exercise the blocks of its week),
    for a browser without JavaScript (the script fills the lists when they open)."""
    key = request.GET.get("move", "")
    part = prepared["parts"].get(key)
    if part is None:
        return
    data = prepared["data"]
    kind, _sep, pk = key.partition("-")
    days = [(week, day) for week in data["weeks"] for day in week["days"]]
    if kind == "block":
        own = data["blocks"][pk]["day"]
        part["move_options"] = format_html_join(
            "",
            '<option value="day:{}">{}</option>',
            ((day["id"], day["label"]) for _week, day in days if day["id"] != own),
        )
    else:
        rx = data["rx"][pk]
        groups = []
        for week, day in days:
            into = format_html_join(
                "",
                '<option value="block:{}">{} {}</option>',
                (
                    (b, _("into"), label)
                    for b, label in (day["blocks"] if week["id"] == rx["week"] else [])
                    if b != rx["block"]
                ),
            )
            groups.append(
                format_html(
                    '<optgroup label="{}">{}<option value="day:{}">{}</option></optgroup>',
                    day["label"],
                    into,
                    day["id"],
                    _("as a new block at the end"),
                )
            )
        part["move_options"] = format_html_join("", "{}", ((g,) for g in groups))
    part["is_moving"] = True


def _id(pk: int) -> SafeString:
    """A primary key as the template writes it, dozens of times a line: digits need
    no escaping, so it is marked safe once here rather than escaped each time."""
    return mark_safe(str(int(pk)))


def _letter(number: int) -> str:
    """Blocks are lettered as coaches write them: A, B, … Z, then AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _prepare_rx(
    p: Prescription,
    block: dict,
    index: int,
    count: int,
    written: int,
    numbers: list[int],
    words: dict,
) -> dict:
    """One exercise's line: "Back Squat 3 × 5 @ 75% · rest 2:00 ↗" (↗: it progresses)."""
    name = exercise_name(p)
    rule = _rule_text(p, words) if p.progression else ""
    # the weeks differ only under a rule: without one, week one is every week
    weeks = numbers if rule else numbers[:1]
    targets = [prescription_for_week(p, w, written_weeks=written) for w in weeks]
    line = [_dose(p, targets[0], words)]
    if p.tempo:
        line.append(words["tempo"] % {"tempo": p.tempo})
    if p.rest_seconds:
        line.append(words["rest"] % {"time": _clock(p.rest_seconds)})
    # a narrow column wraps the line between its parts, never inside one; built with
    # the standard library's escape (what Django's calls) as format_html costs more than
    # the rest of the line, 84 times a page
    # (the "·" opens the part it introduces, so a wrapped line starts with it)
    parts = [escape(line[0]), *(f"\u00b7 {escape(part)}" for part in line[1:])]
    if rule:
        parts[-1] += (
            f' <span class="pb-rx__up" title="{escape(rule)}">↗'
            f'<span class="visually-hidden"> {escape(words["progresses"])}</span></span>'
        )
    spans = [f'<span class="pb-nw">{part}</span>' for part in parts]
    return {
        "pk": _id(p.pk),
        "name": name,
        "tag": block["letter"] if count == 1 else f"{block['letter']}{index}",
        "line": mark_safe(" ".join(spans)),  # every value in it is escaped above
        "rule": rule,
        "plan": _plan(targets, words) if rule else "",
        "single": count == 1,
        "first": index == 1,
        "last": index == count,
        "is_moving": False,
    }


def _rule_text(p: Prescription, words: dict) -> str:
    """``progression_text``, once per distinct rule on the page (a program repeats a
    handful of rules, and the words are translated each time)."""
    key = (repr(sorted(p.progression.items())), p.load_kind)
    rules = words["rules"]
    if key not in rules:
        rules[key] = progression_text(p.progression, p.load_kind)
    return rules[key]


def _editor(p: Prescription, rx: dict, block: dict) -> dict:
    """An exercise's values for its edit form (the page's JSON)."""
    rule = p.progression or {}
    values = {
        "week": rx["week"],
        "block": int(block["pk"]),
        "name": rx["name"],
        # an exercise alone in its block moves with its block
        "single": rx["single"],
        "first": rx["first"],
        "last": rx["last"],
        "sets": p.sets,
        "reps_min": p.reps_min,
        "reps_max": p.reps_max,
        "load_kind": p.load_kind,
        "load_value": None if p.load_value is None else f"{p.load_value.normalize():f}",
        "tempo": p.tempo,
        "rest_seconds": p.rest_seconds,
        "duration_seconds": p.duration_seconds,
        "distance_m": p.distance_m,
        "notes": p.notes,
        "prog_kind": rule.get("kind", ""),
        "prog_step": rule.get("step"),
        "prog_max": rule.get("max"),
        "prog_load_step": rule.get("load_step"),
        "prog_percents": ", ".join(f"{x:g}" for x in rule.get("percents") or []),
        "prog_deload_every": rule.get("deload_every"),
    }
    return {key: value for key, value in values.items() if value not in (None, "")}


def _editable_program(request, pk: int) -> Program:
    """A program the signed-in person sees (else 404) and may edit (else 403)."""
    program = program_queryset_for(user=request.user).filter(pk=pk).first()
    if program is None:
        raise Http404
    if not program_can_edit(user=request.user, program=program):
        raise PermissionDenied
    return program


def builder_view(request, pk: int, status: int = 200):
    """The builder: a week's workouts side by side, each prescription one line that
    opens to edit. The same queries whatever the program's size (``program_outline``);
    ``?move=rx-12`` (or ``block-5``) opens that part's "Move to…" form with every
    place listed, for browsers without JavaScript."""
    _staff(request)
    programs = program_queryset_for(user=request.user).select_related("client", "source")
    program = programs.filter(pk=pk).first()
    if program is None:
        raise Http404
    if not program_can_edit(user=request.user, program=program):
        raise PermissionDenied
    prepared = _prepare(program, program_outline(program=program))
    _open_move(request, prepared)
    if program.client_id:  # where the client is: "This week", "Next week" on the weeks
        marks = program_weeks_now(program_id=program.pk, today=timezone.localdate())
        for week in prepared["weeks"]:
            week["now"] = marks.get(week["number"])
    context = {
        "title": program.name,
        "opts": Program._meta,
        "program": program,
        "weeks": prepared["weeks"],
        "client": program.client,
        "goals": Program.Goal.choices,
        "block_kinds": Block.Kind.choices,
        "load_kinds": Prescription.Load.choices,
        "picker_url": reverse("backoffice:programs_program_exercises"),
        "move_url": reverse("backoffice:programs_program_builder_move", args=[program.pk]),
        "builder_data": prepared["data"],
        "can_move": prepared["can_move"],
        "csrf_field": format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
        ),
        "assign_url": reverse("backoffice:programs_programassignment_assign")
        + f"?program={program.pk}",
    }
    return render_page(request, "programs/backoffice/builder.html", context, status=status)


def builder_move_view(request, pk: int):
    """The builder's "Move to" forms without JavaScript: POST ``prescription`` or
    ``block`` (an id) and ``to`` ("block:12" or "day:5"), then back to the builder.
    Parts of other programs are a 404; a coach who may not edit the program, 403."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _staff(request)
    program = _editable_program(request, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        raise Http404  # an id that is no id names nothing of this program
    moved = form.cleaned_data
    if moved["prescription"]:
        model, part_pk, path_ = Prescription, moved["prescription"], "block__day__week__program"
    else:
        model, part_pk, path_ = Block, moved["block"] or 0, "day__week__program"
    part = model.objects.filter(pk=part_pk, **{path_: program}).first()
    if part is None:
        raise Http404
    to = moved["to"]
    target = move_target_get(program_id=program.pk, to=to) if to else None
    kinds = ("block", "day") if model is Prescription else ("day",)
    if to and (target is None or to.partition(":")[0] not in kinds):
        raise Http404
    try:
        if target is None:
            raise ValidationError({"to": _("Choose where it goes.")})
        if model is Prescription:
            part = prescription_move(
                prescription=part,
                by=request.user,
                block=target if isinstance(target, Block) else None,
                day=target if isinstance(target, ProgramDay) else None,
            )
            name = exercise_name(part)
        else:
            part = block_move(block=part, by=request.user, day=target)
            name = _("the block")
    except ValidationError as exc:
        for errors in exc.message_dict.values():
            for error in errors:
                messages.error(request, error)
        return builder_view(request, program.pk, status=400)
    day = target if isinstance(target, ProgramDay) else target.day
    messages.success(
        request,
        _("Moved %(what)s to %(day)s (week %(week)s).")
        % {"what": name, "day": day.name, "week": day.week.number},
    )
    anchor = f"rx-{part.pk}" if model is Prescription else f"block-{part.pk}"
    url = reverse("backoffice:programs_program_builder", args=[program.pk])
    return redirect(f"{url}#{anchor}")


def picker_view(request):
    """Exercises for the builder's search box (JSON)."""
    _staff(request)
    return JsonResponse({"results": exercise_picker(query=request.GET.get("q", "")[:100])})

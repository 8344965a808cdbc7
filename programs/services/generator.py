"""The program generator ("AI program", done honestly): rules, not a black box.

From an intake (goal, experience, days per week, minutes per session, equipment,
injuries) it writes a four-week block from the exercise library and says why for
every choice. Same intake and same library -> same program (no randomness: every
choice is a sort on stable keys). The result is a normal program draft the coach
edits in the builder before assigning.

This module reads the intake and the library and writes the draft; the planning
itself is ``generator_planner`` (pure), its tables are ``generator_rules`` (data).

The rules, in order:

1. Split by days per week: 1-3 full body, 4 upper/lower, 5 push/pull/legs +
   upper/lower, 6 push/pull/legs twice. Beginners train at most 4 days, everyone
   at most 6 (one rest day).
2. Each day is a list of slots (a movement pattern, or an isolation slot for one
   muscle). The candidates of a slot are the library's exercises that
   - use only equipment the client has ("body only" is always available;
     "other" — benches, boxes, sleds — only when ticked),
   - are at or below the client's level,
   - are not contraindicated by an injury (``INJURY_RULES``),
   - belong to a training category (strength, powerlifting, core; no stretching,
     cardio, plyometrics or Olympic lifts).
   The best candidate is the first by: not used yet this week, compound first for
   main lifts, preferred equipment for the role, level closest to the client's,
   the authored catalog before imports, the shortest (most standard) name, slug.
3. Weekly sets per muscle (a primary muscle counts a set as 1, a secondary as 0.5)
   never exceed the level's maximum (``VOLUME_BOUNDS``); major muscles are topped
   up towards the minimum while time allows.
4. Reps, effort (reps in reserve, RIR) and rest come from the goal
   (``GOAL_SCHEMES``); beginners keep one more rep in reserve.
5. Session length: minutes = warm-up + per exercise a minute to set up + per set
   (reps x 4 s + rest). Accessories lose sets, then whole slots, until the
   estimate fits the minutes the client has.
6. Periodisation: weeks 1-3 build effort (RIR 3, 2, 1 from the scheme's base),
   week 4 deloads (about 60 % of the sets, two more reps in reserve); the program
   runs 8 weeks, the second block repeating the first with one more rep on
   accessories (the builder's ``add_reps`` progression).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from clients.models import Client, Response
from programs.catalog.models import CatalogExercise

from ..models import Block, Exercise, ExerciseHide, Prescription, Program, ProgramDay, ProgramWeek
from .generator_planner import Intake, Plan, plan_build, rir_for
from .generator_rules import (
    ACCESSORY,
    CORE,
    EQUIPMENT,
    EXPERIENCE_ANSWERS,
    GOAL_ANSWERS,
    GOAL_NAMES,
    GOAL_SCHEMES,
    GOALS,
    GYM,
    ISOLATION,
    LEVELS,
    WHERE_ANSWERS,
    Candidate,
)

# --- the library as candidates -------------------------------------------------------------


def library_candidates() -> list[Candidate]:
    """The business's library: its own exercises plus the catalog entries it has not
    hidden and not replaced by its own copy. Three queries."""
    columns = (
        "id",
        "name",
        "category",
        "movement_pattern",
        "primary_muscles",
        "secondary_muscles",
        "equipment",
        "mechanics",
        "level",
    )
    own = list(Exercise.objects.filter(archived_at__isnull=True).values(*columns, "catalog_id"))
    hidden = set(ExerciseHide.objects.values_list("catalog_exercise_id", flat=True))
    hidden |= {row["catalog_id"] for row in own if row["catalog_id"]}
    result = [
        _candidate(row, ref=("own", row["id"]), slug=f"own-{row['id']}", authored=True)
        for row in own
    ]
    for row in CatalogExercise.objects.values(*columns, "slug", "source"):
        if row["id"] not in hidden:
            result.append(
                _candidate(
                    row,
                    ref=("catalog", row["id"]),
                    slug=row["slug"],
                    authored=row["source"] == CatalogExercise.Source.AUTHORED,
                )
            )
    return result


def _candidate(row: dict, *, ref, slug: str, authored: bool) -> Candidate:
    return Candidate(
        ref=ref,
        name=row["name"],
        slug=slug,
        category=row["category"] or "",
        pattern=row["movement_pattern"] or "",
        primary=tuple(row["primary_muscles"] or ()),
        secondary=tuple(row["secondary_muscles"] or ()),
        equipment=tuple(row["equipment"] or ()),
        mechanics=row["mechanics"] or "",
        level=row["level"] or "",
        is_authored=authored,
    )


# --- intake ------------------------------------------------------------------------------


def intake_build(
    *,
    goal: str = "general",
    level: str = "beginner",
    days_per_week: int,
    minutes: int,
    equipment: Iterable[str] = (),
    injuries: str = "",
) -> Intake:
    """An Intake from values a form or serializer has parsed, or ValidationError keyed by
    field when one is outside what the generator plans for. Body weight is always in
    the equipment; the injuries' spaces are collapsed."""
    errors: dict[str, str] = {}
    if goal not in GOALS:
        errors["goal"] = _("Choose a goal from the list.")
    if level not in LEVELS:
        errors["level"] = _("Choose beginner, intermediate or advanced.")
    if not 1 <= days_per_week <= 7:
        errors["days_per_week"] = _("Enter 1 to 7 days a week.")
    if not 20 <= minutes <= 180:
        errors["minutes"] = _("Enter 20 to 180 minutes.")
    equipment = frozenset(equipment)
    unknown = sorted(str(e) for e in equipment if e not in EQUIPMENT)
    if unknown:
        errors["equipment"] = _("Unknown equipment: %(names)s.") % {"names": ", ".join(unknown)}
    injuries = " ".join(injuries.split())
    if len(injuries) > 500:
        errors["injuries"] = _("Keep the injuries to 500 characters.")
    if errors:
        raise ValidationError(errors)
    return Intake(
        goal=goal,
        level=level,
        days_per_week=days_per_week,
        minutes=minutes,
        equipment=equipment | {"body only"},
        injuries=injuries,
    )


def _yes(value) -> bool:
    return value is True or str(value).strip().lower() in ("yes", "true", "1")


def intake_from_answers(*, client: Client) -> tuple[dict, list[str]]:
    """Intake data from the client's latest submitted answers (the "Goals and lifestyle"
    starter's keys; injuries from the health questionnaire's details or an
    ``injuries`` answer), and a note per value taken. Missing values are left out."""
    responses = list(
        Response.objects.filter(client=client, status=Response.Status.SUBMITTED)
        .select_related("version__questionnaire")
        .order_by("-submitted_at", "-pk")[:20]
    )
    data: dict = {}
    notes: list[str] = []
    for response in responses:
        answers = response.answers or {}
        title = response.version.questionnaire.title
        when = response.submitted_at.date().isoformat() if response.submitted_at else ""
        source = _("from “%(form)s” answered %(when)s") % {"form": title, "when": when}
        if "goal" not in data and str(answers.get("main_goal", "")).lower() in GOAL_ANSWERS:
            data["goal"] = GOAL_ANSWERS[str(answers["main_goal"]).lower()]
            notes.append(_("Goal “%(a)s” %(src)s.") % {"a": answers["main_goal"], "src": source})
        if "level" not in data and str(answers.get("experience", "")).lower() in EXPERIENCE_ANSWERS:
            data["level"] = EXPERIENCE_ANSWERS[str(answers["experience"]).lower()]
            notes.append(
                _("Experience “%(a)s” read as %(level)s %(src)s.")
                % {"a": answers["experience"], "level": data["level"], "src": source}
            )
        if "days_per_week" not in data and answers.get("days_per_week") not in (None, ""):
            try:
                data["days_per_week"] = max(1, min(7, int(float(answers["days_per_week"]))))
                notes.append(
                    _("%(n)s training days a week %(src)s.")
                    % {"n": data["days_per_week"], "src": source}
                )
            except (TypeError, ValueError):
                pass
        if "equipment" not in data and answers.get("equipment"):
            where = answers["equipment"]
            where = [where] if isinstance(where, str) else list(where)
            kit: set[str] = set()
            for place in where:
                kit |= WHERE_ANSWERS.get(str(place).lower(), frozenset())
            if kit:
                data["equipment"] = sorted(kit)
                notes.append(
                    _("Equipment from “%(where)s” %(src)s: %(kit)s.")
                    % {
                        "where": ", ".join(map(str, where)),
                        "src": source,
                        "kit": ", ".join(sorted(kit)),
                    }
                )
        if "injuries" not in data:
            text = answers.get("injuries") or ""
            if not text and _yes(answers.get("bone_joint")):
                text = answers.get("details") or _("a bone or joint problem (details not given)")
            if text:
                data["injuries"] = str(text)[:500]
                notes.append(
                    _("Injuries “%(text)s” %(src)s.") % {"text": data["injuries"], "src": source}
                )
    return data, notes


def intake_compose(
    *,
    client: Client | None = None,
    goal: str | None = None,
    level: str | None = None,
    days_per_week: int | None = None,
    minutes: int | None = None,
    equipment: Iterable[str] | None = None,
    injuries: str | None = None,
    assume_defaults: bool = False,
) -> tuple[Intake, list[str]]:
    """The intake to generate from, and a note per value not typed in. A value given
    (not None) wins; then the client's latest answers
    (:func:`intake_from_answers`); then, with ``assume_defaults`` (the back-office
    page), 3 days, 60 minutes and a full gym, the minutes and the gym noted. Without
    it (the API) the days and minutes must come from the request or the answers.
    ValidationError keyed by field when a value is missing or out of range."""
    given = {
        "goal": goal,
        "level": level,
        "days_per_week": days_per_week,
        "minutes": minutes,
        "equipment": sorted(equipment) if equipment is not None else None,
        "injuries": injuries,
    }
    given = {key: value for key, value in given.items() if value is not None}
    answers: dict = {}
    notes: list[str] = []
    if client is not None:
        answers, notes = intake_from_answers(client=client)
    merged = answers | given
    if assume_defaults:
        merged = {"minutes": 60, "days_per_week": 3} | merged
        if "minutes" not in given and "minutes" not in answers:
            notes.append(_("Minutes per session not given: 60 assumed."))
        if "equipment" not in merged:
            merged["equipment"] = sorted(GYM)
            notes.append(_("Equipment not given: a full gym assumed."))
    missing = {
        key: message
        for key, message in (
            ("days_per_week", _("Enter 1 to 7 days a week.")),
            ("minutes", _("Enter 20 to 180 minutes.")),
        )
        if key not in merged
    }
    if missing:
        raise ValidationError(missing)
    return intake_build(**merged), notes


# --- writing the program ---------------------------------------------------------------


@dataclass
class Generated:
    program: object  # programs.models.Program
    plan: Plan


@transaction.atomic
def program_generate(
    *,
    intake: Intake,
    by: User | None,
    client: Client | None = None,
    name: str = "",
    intake_notes: Iterable[str] = (),
    library: list[Candidate] | None = None,
) -> Generated:
    """Write the generated program as a draft: a template, or (with ``client``) the
    client's own program, not assigned yet. Reasons go to ``generator_notes``."""
    plan = plan_build(
        intake=intake, library=library if library is not None else library_candidates()
    )
    if not any(day.exercises for day in plan.days):
        raise ValidationError(
            {"equipment": _("No exercise in the library fits this equipment, level and injuries.")}
        )
    days = len(plan.days)
    title = name.strip() or (
        f"{GOAL_NAMES[intake.goal]} · {plan.split} · {days}×/week"
        + (f" · {client.first_name}".rstrip() if client is not None and client.first_name else "")
    )
    notes = [{"topic": "intake", "text": str(text)} for text in intake_notes]
    notes.append(
        {
            "topic": "intake",
            "text": str(
                _("Intake: %(goal)s, %(level)s, %(days)d days a week, %(min)d minutes%(inj)s.")
                % {
                    "goal": intake.goal.replace("_", " "),
                    "level": intake.level,
                    "days": intake.days_per_week,
                    "min": intake.minutes,
                    "inj": (_(", injuries: %(i)s") % {"i": intake.injuries})
                    if intake.injuries
                    else "",
                }
            ),
        }
    )
    notes += plan.notes
    program = Program.objects.create(
        name=title[:120],
        description=str(
            _("Generated from an intake: %(split)s, %(days)d days a week. Review it, then assign.")
            % {"split": plan.split, "days": days}
        ),
        goal=intake.goal,
        level=intake.level,
        is_template=client is None,
        client=client,
        length_weeks=8,
        generator_notes=notes,
        created_by=by,
    )
    scheme = GOAL_SCHEMES[intake.goal]
    for week_number in range(1, 5):
        deload = week_number == 4
        week = ProgramWeek.objects.create(
            program=program,
            number=week_number,
            note=str(_("Deload: fewer sets, easier effort"))
            if deload
            else str(_("Build: week %(n)d") % {"n": week_number}),
        )
        for position, planned_day in enumerate(plan.days, start=1):
            day = ProgramDay.objects.create(
                week=week,
                position=position,
                name=planned_day.name[:80],
                note="\n".join(planned_day.notes),
            )
            for block_position, e in enumerate(planned_day.exercises, start=1):
                block = Block.objects.create(
                    day=day, position=block_position, rest_after_seconds=e.rest
                )
                rir = (
                    rir_for(scheme, intake, 2) + 2
                    if deload
                    else rir_for(scheme, intake, week_number)
                )
                sets = max(1, math.ceil(e.sets * 0.6)) if deload else e.sets
                progression = {}
                if e.slot.role in (ISOLATION, ACCESSORY, CORE):
                    progression = {"kind": "add_reps", "step": 1, "max": e.reps[1] + 1}
                kind, ref_id = e.candidate.ref
                Prescription.objects.create(
                    block=block,
                    position=1,
                    catalog_exercise_id=ref_id if kind == "catalog" else None,
                    exercise_id=ref_id if kind == "own" else None,
                    sets=sets,
                    reps_min=e.reps[0],
                    reps_max=e.reps[1],
                    load_kind=Prescription.Load.RIR,
                    load_value=Decimal(min(rir, 10)),
                    rest_seconds=e.rest,
                    notes=e.reason[:300],
                    progression=progression,
                )
    return Generated(program=program, plan=plan)

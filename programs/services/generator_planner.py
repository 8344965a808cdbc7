"""The program generator's planner: from an intake and the library, the days,
exercises, sets, reps and the reason for every choice. Pure and deterministic: no
database, no randomness (every choice is a sort on stable keys). The rules it applies
are listed in ``programs.services.generator``; their tables are in
``generator_rules``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .generator_rules import (
    ACCESSORY,
    BASE_SETS,
    CLIENT_LEVEL_RANK,
    CORE,
    DAY_NAMES,
    DAY_TEMPLATES,
    EQUIPMENT_PREFERENCE,
    EXERCISE_LEVEL_RANK,
    GOAL_SCHEMES,
    GYM,
    ISOLATION,
    MAIN,
    MAJOR_MUSCLES,
    MAX_SETS_BY_LEVEL,
    PATTERN_MUSCLES,
    SECONDARY_WEIGHT,
    SECONDS_PER_REP,
    SETUP_SECONDS,
    SPLITS,
    STAPLE_RANK,
    STAPLES,
    TRAINING_CATEGORIES,
    VOLUME_BOUNDS,
    Candidate,
    InjuryRule,
    Scheme,
    Slot,
    injuries_parse,
)


@dataclass(frozen=True)
class Intake:
    goal: str = "general"
    level: str = "beginner"
    days_per_week: int = 3
    minutes: int = 60
    equipment: frozenset[str] = GYM
    injuries: str = ""

    def with_body_weight(self) -> frozenset[str]:
        return frozenset(self.equipment) | {"body only"}


@dataclass
class PlannedExercise:
    candidate: Candidate
    slot: Slot
    sets: int
    reps: tuple[int, int]
    rest: int
    reason: str


@dataclass
class PlannedDay:
    name: str
    template: str
    exercises: list[PlannedExercise] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def minutes(self, *, warmup: int) -> float:
        return session_minutes(self.exercises, warmup=warmup)


@dataclass
class Plan:
    intake: Intake
    split: str
    days: list[PlannedDay]
    notes: list[dict]  # {"topic", "text"}
    weekly_sets: dict[str, float]
    warmup: int


def set_seconds(reps: tuple[int, int], rest: int) -> float:
    return (reps[0] + reps[1]) / 2 * SECONDS_PER_REP + rest


def session_minutes(exercises: Iterable[PlannedExercise], *, warmup: int) -> float:
    """Estimated minutes of a session: warm-up, a minute to set up each exercise, and
    per set the work (reps x 4 s, range middle) plus the rest after it."""
    seconds = warmup * 60
    for e in exercises:
        seconds += SETUP_SECONDS + e.sets * set_seconds(e.reps, e.rest)
    return seconds / 60


def weekly_volume(days: Iterable[PlannedDay]) -> dict[str, float]:
    """Sets per muscle per week: a set counts 1 for each primary muscle, 0.5 for each secondary."""
    volume: dict[str, float] = defaultdict(float)
    for day in days:
        for e in day.exercises:
            for muscle in set(e.candidate.primary):
                volume[muscle] += e.sets
            for muscle in set(e.candidate.secondary) - set(e.candidate.primary):
                volume[muscle] += e.sets * SECONDARY_WEIGHT
    return dict(volume)


def _contributions(c: Candidate) -> dict[str, float]:
    out = {m: 1.0 for m in c.primary}
    for m in c.secondary:
        out.setdefault(m, SECONDARY_WEIGHT)
    return out


def allowed_reason(c: Candidate, *, intake: Intake, injuries: list[InjuryRule]) -> str | None:
    """Why ``c`` cannot be used for this intake, or None when it can."""
    if c.category not in TRAINING_CATEGORIES:
        return "category"
    if not c.needs <= intake.with_body_weight():
        return "equipment"
    if EXERCISE_LEVEL_RANK.get(c.level, 1) > CLIENT_LEVEL_RANK[intake.level]:
        return "level"
    for rule in injuries:
        if rule.blocks(c):
            return f"injury:{rule.key}"
    return None


def _fits_slot(c: Candidate, slot: Slot) -> bool:
    if slot.role == ISOLATION:
        return slot.muscle in c.primary and (c.mechanics == "isolation" or c.pattern == "isolation")
    if slot.role == CORE:
        return c.pattern in slot.patterns
    return c.pattern in slot.patterns and (slot.role != MAIN or c.mechanics != "isolation")


def _rank(c: Candidate, slot: Slot, *, intake: Intake, used: set, pattern_index: int) -> tuple:
    preference = EQUIPMENT_PREFERENCE[slot.role]
    eq_rank = min(
        (preference.index(e) for e in c.needs if e in preference), default=len(preference)
    )
    expected = PATTERN_MUSCLES.get(c.pattern)
    staple = STAPLE_RANK.get(c.name.lower(), len(STAPLES))
    # main lifts: the standard lift first; accessories: the preferred kit first (variety)
    first, second = (staple, eq_rank) if slot.role == MAIN else (eq_rank, staple)
    return (
        c.ref in used,
        pattern_index,
        0 if (slot.role != MAIN or c.mechanics == "compound") else 1,
        0 if (not expected or expected & set(c.primary)) else 1,
        first,
        second,
        EXERCISE_LEVEL_RANK.get(c.level, 1),
        0 if c.is_authored else 1,
        len(c.name),
        c.slug,
    )


def _place(
    *,
    slot: Slot,
    day: PlannedDay,
    pool: list[Candidate],
    intake: Intake,
    scheme: Scheme,
    used: set,
    volume: dict[str, float],
    high: int,
    sets: int,
    warmup: int,
    budget: int,
) -> PlannedExercise | None:
    """The exercise, sets and reps for one slot of ``day``, or None (with a note on the
    day saying why)."""
    options = []
    for pattern_index, pattern in enumerate(slot.patterns or ("",)):
        probe = Slot(slot.role, (pattern,), slot.muscle, slot.label) if slot.patterns else slot
        for c in pool:
            if _fits_slot(c, probe):
                options.append(
                    (_rank(c, slot, intake=intake, used=used, pattern_index=pattern_index), c)
                )
    if not options:
        day.notes.append(
            str(
                _("No %(slot)s exercise fits the equipment, level and injuries: slot left out.")
                % {"slot": slot.label}
            )
        )
        return None
    options.sort(key=lambda pair: pair[0])
    candidate = options[0][1]
    is_main = slot.role == MAIN
    easy_body_weight = candidate.needs == {"body only"} and candidate.pattern in (
        "squat",
        "lunge",
        "hinge",
        "horizontal_push",
    )
    reps = scheme.main_reps if is_main and not easy_body_weight else scheme.acc_reps
    if slot.role == CORE:
        reps = (8, 12) if intake.goal == "strength" else (10, 15)
    rest = scheme.main_rest if is_main else scheme.acc_rest
    contributions = _contributions(candidate)
    # the weekly cap: no muscle goes over the level's maximum
    while sets > 0 and any(volume[m] + sets * w > high for m, w in contributions.items()):
        sets -= 1
    minimum = 1 if not day.exercises else 2
    if sets < minimum:
        day.notes.append(
            str(
                _("%(slot)s left out: its muscles already have %(high)d sets this week.")
                % {"slot": slot.label.capitalize(), "high": high}
            )
        )
        return None
    planned = PlannedExercise(
        candidate=candidate,
        slot=slot,
        sets=sets,
        reps=reps,
        rest=rest,
        reason=_reason(candidate, slot, intake, reused=candidate.ref in used),
    )
    while (
        planned.sets > minimum
        and session_minutes([*day.exercises, planned], warmup=warmup) > budget
    ):
        planned.sets -= 1
    if session_minutes([*day.exercises, planned], warmup=warmup) > budget:
        day.notes.append(
            str(
                _("%(slot)s left out to keep the session within %(min)d minutes.")
                % {"slot": slot.label.capitalize(), "min": budget}
            )
        )
        return None
    return planned


def _top_up(
    planned_days: list[PlannedDay],
    *,
    volume: dict[str, float],
    low: int,
    high: int,
    warmup: int,
    budget: int,
    max_sets: int,
) -> None:
    """Add sets to exercises of major muscles under the weekly minimum, while no muscle
    passes the maximum and every session stays within its minutes."""
    for muscle in MAJOR_MUSCLES:
        for day in planned_days:
            for e in day.exercises:
                if volume.get(muscle, 0) >= low:
                    break
                if muscle not in e.candidate.primary:
                    continue
                contributions = _contributions(e.candidate)
                while (
                    volume.get(muscle, 0) < low
                    and e.sets < max_sets
                    and all(volume[m] + w <= high for m, w in contributions.items())
                ):
                    e.sets += 1
                    if session_minutes(day.exercises, warmup=warmup) > budget:
                        e.sets -= 1
                        break
                    for m, w in contributions.items():
                        volume[m] += w


def plan_build(*, intake: Intake, library: Iterable[Candidate]) -> Plan:
    """The program for ``intake`` from ``library``: days, exercises, sets, reps and the
    reasons. Pure and deterministic: no database, no randomness."""
    notes: list[dict] = []

    def note(topic: str, text: str) -> None:
        notes.append({"topic": topic, "text": str(text)})

    scheme = GOAL_SCHEMES[intake.goal]
    low, high = VOLUME_BOUNDS[intake.level]
    days_wanted = intake.days_per_week
    cap = 4 if intake.level == "beginner" else 6
    days = min(days_wanted, cap)
    split_name, templates = SPLITS[days]
    note(
        "split",
        _("%(n)d training day(s) a week → %(split)s (%(days)s).")
        % {
            "n": days,
            "split": split_name,
            "days": ", ".join(DAY_NAMES.get(t, t) for t in templates),
        },
    )
    if days < days_wanted:
        note(
            "split",
            _("Asked for %(asked)d days; the plan uses %(n)d: %(why)s.")
            % {
                "asked": days_wanted,
                "n": days,
                "why": _("beginners progress best with rest days between sessions")
                if intake.level == "beginner"
                else _("one full rest day a week keeps recovery on track"),
            },
        )
    injuries, unknown = injuries_parse(intake.injuries)
    for rule in injuries:
        note(
            "injury",
            _("%(label)s: avoiding %(avoid)s.")
            % {"label": rule.label.capitalize(), "avoid": rule.avoid},
        )
    for text in unknown:
        note(
            "injury",
            _("Injuries “%(text)s” did not match a rule: check the exercises yourself.")
            % {"text": text},
        )
    equipment = sorted(intake.with_body_weight())
    note(
        "equipment",
        _("Only exercises that need nothing beyond: %(kit)s.") % {"kit": ", ".join(equipment)},
    )
    note(
        "goal",
        _("Goal %(goal)s: main lifts %(m0)d-%(m1)d reps, accessories %(a0)d-%(a1)d, %(why)s.")
        % {
            "goal": intake.goal.replace("_", " "),
            "m0": scheme.main_reps[0],
            "m1": scheme.main_reps[1],
            "a0": scheme.acc_reps[0],
            "a1": scheme.acc_reps[1],
            "why": scheme.why,
        },
    )
    note(
        "volume",
        _(
            "Weekly sets per muscle at %(level)s level: %(low)d-%(high)d "
            "(a set counts fully for the main muscles, half for helpers)."
        )
        % {"level": intake.level, "low": low, "high": high},
    )

    pool = []
    excluded: dict[str, int] = defaultdict(int)
    for c in sorted(library, key=lambda c: c.slug):
        why = allowed_reason(c, intake=intake, injuries=injuries)
        if why is None:
            pool.append(c)
        else:
            excluded[why] += 1
    for rule in injuries:
        if excluded.get(f"injury:{rule.key}"):
            note(
                "injury",
                _("%(n)d exercises left out for the %(label)s.")
                % {"n": excluded[f"injury:{rule.key}"], "label": rule.label},
            )

    warmup = 5 if intake.minutes < 45 else 8
    volume: dict[str, float] = defaultdict(float)
    used: set = set()
    main_sets, acc_sets = BASE_SETS[intake.level]
    budget = intake.minutes
    planned_days: list[PlannedDay] = []
    seen: dict[str, int] = defaultdict(int)
    names = [DAY_NAMES.get(t, t) for t in templates]
    for template, name in zip(templates, names, strict=True):
        seen[name] += 1
        if names.count(name) > 1:
            name = f"{name} {chr(64 + seen[name])}"
        planned_days.append(PlannedDay(name=name, template=template))
    order: dict[int, int] = {}  # id(PlannedExercise) -> slot position in its day
    # compounds first across the whole week, then isolation and trunk work: the weekly
    # volume cap and the minutes go to the big lifts before the small ones
    for roles in ((MAIN,), (ACCESSORY,), (ISOLATION, CORE)):
        if roles[0] == ISOLATION:
            _top_up(
                planned_days,
                volume=volume,
                low=low,
                high=high,
                warmup=warmup,
                budget=budget,
                max_sets=MAX_SETS_BY_LEVEL[intake.level],
            )
        for day in planned_days:
            for slot_position, slot in enumerate(DAY_TEMPLATES[day.template]):
                if slot.role not in roles:
                    continue
                planned = _place(
                    slot=slot,
                    day=day,
                    pool=pool,
                    intake=intake,
                    scheme=scheme,
                    used=used,
                    volume=volume,
                    high=high,
                    sets=main_sets if slot.role == MAIN else acc_sets,
                    warmup=warmup,
                    budget=budget,
                )
                if planned is None:
                    continue
                for m, w in _contributions(planned.candidate).items():
                    volume[m] += planned.sets * w
                used.add(planned.candidate.ref)
                order[id(planned)] = slot_position
                day.exercises.append(planned)
    for day in planned_days:
        day.exercises.sort(key=lambda e: order[id(e)])

    for muscle in MAJOR_MUSCLES:
        have = volume.get(muscle, 0)
        if have < low:
            note(
                "volume",
                _("%(muscle)s gets %(have)s sets a week, under the %(low)d aimed for: %(why)s.")
                % {
                    "muscle": muscle.capitalize(),
                    "have": _fmt(have),
                    "low": low,
                    "why": _("more days or longer sessions would allow more")
                    if pool
                    else _("the library has no exercise for it with this equipment"),
                },
            )
    for day in planned_days:
        note(
            "time",
            _("%(day)s: about %(min)d minutes (%(warm)d min warm-up; a set = reps x 4 s + rest).")
            % {"day": day.name, "min": math.ceil(day.minutes(warmup=warmup)), "warm": warmup},
        )
    note(
        "progression",
        _(
            "Weeks 1-3 build effort (%(r1)d, %(r2)d, then %(r3)d reps in reserve); "
            "week 4 deloads with fewer sets. "
            "Weeks 5-8 repeat the block with one more rep on accessories."
        )
        % {
            "r1": rir_for(scheme, intake, 1),
            "r2": rir_for(scheme, intake, 2),
            "r3": rir_for(scheme, intake, 3),
        },
    )
    return Plan(
        intake=intake,
        split=split_name,
        days=planned_days,
        notes=notes,
        weekly_sets={m: sets for m, sets in volume.items() if sets},
        warmup=warmup,
    )


def _fmt(value: float) -> str:
    return f"{value:g}"


def _reason(c: Candidate, slot: Slot, intake: Intake, *, reused: bool) -> str:
    role = {
        MAIN: _("Main lift for the %(what)s pattern"),
        ACCESSORY: _("Accessory for the %(what)s pattern"),
        ISOLATION: _("Isolation for the %(what)s"),
        CORE: _("Trunk work (%(what)s)"),
    }[slot.role] % {"what": slot.label}
    kit = ", ".join(sorted(c.needs))
    level = c.level or "unrated"
    text = _("%(role)s: %(name)s (%(kit)s, %(level)s level).") % {
        "role": role,
        "name": c.name,
        "kit": kit,
        "level": level,
    }
    if reused:
        text += " " + _("Repeated from earlier in the week: no other exercise fits.")
    return str(text)


def rir_for(scheme: Scheme, intake: Intake, week: int) -> int:
    """Reps in reserve in written week 1-3 (3 = easiest), plus one for beginners."""
    base = scheme.rir + (1 if intake.level == "beginner" else 0)
    return max(0, base + (2 - week))

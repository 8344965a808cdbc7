"""Progression of a prescription from week to week: the rule's shapes, their check
(``progression_clean``), the target of any program week (``prescription_for_week``) and
the rule in words (``progression_text``). Pure functions (no writes; one count query
when the written weeks are not given): the builder's services, the logger's and the
review's selectors and the pages all use them.

Progression (``Prescription.progression``) is JSON of one of these shapes; every
shape may add ``"deload_every": N`` (2-52) and ``"deload_percent": P`` (30-100,
default 60): every Nth program week the load is P % of that week's target.

- ``{}``: no progression; every week repeats what was written.
- ``{"kind": "add_load", "step": 2.5}``: add ``step`` each cycle (kg for kg loads,
  percentage points for % of 1RM; -50..50).
- ``{"kind": "add_reps", "step": 1, "max": 12, "load_step": 2.5}``: add ``step``
  reps each cycle until the top of the range would pass ``max``; then go back to
  the written reps and add ``load_step`` (optional) to the load.
- ``{"kind": "wave", "percents": [70, 75, 80]}``: cycle through the percents. For a
  % of 1RM load the percent is the load (the written value becomes percents[0]); for
  a kg load each week is the written load x percent / percents[0].

A *cycle* is one pass over the written weeks: with 4 written weeks and a 12-week
program, program weeks 1-4 are cycle 0, weeks 5-8 cycle 1 (written week 1 again, one
step further), and so on. Week 1 always gives what was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Prescription, ProgramWeek

PROGRESSION_KINDS = ("add_load", "add_reps", "wave")
TWO_PLACES = Decimal("0.01")


def _percent(value: Any) -> Decimal | None:
    """One percentage of a wave as written in the rule (``70``, ``"72.5"``, ``"72,5"``);
    None when it is no finite number."""
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def progression_clean(
    rule: Any, *, load_kind: str, reps_min: int | None, reps_max: int | None
) -> dict:
    """The progression rule as stored, or ValidationError({"progression": ...})."""
    if rule in (None, "", {}):
        return {}
    if not isinstance(rule, dict):
        raise ValidationError({"progression": _("The progression rule is not valid.")})
    kind = rule.get("kind", "")
    clean: dict[str, Any] = {}
    error = None

    def number(key, low, high, *, integer=False, required=True):
        nonlocal error
        value = rule.get(key)
        if value in (None, ""):
            if required:
                error = error or _("Give the %(key)s of the progression.") % {"key": key}
            return None
        try:
            parsed = Decimal(str(value).replace(",", "."))
        except (InvalidOperation, ValueError):
            parsed = None
        if parsed is None or not parsed.is_finite() or not low <= parsed <= high:
            error = error or _(
                "The progression's %(key)s must be between %(low)s and %(high)s."
            ) % {
                "key": key.replace("_", " "),
                "low": low,
                "high": high,
            }
            return None
        if integer:
            if parsed != parsed.to_integral_value():
                error = error or _("The progression's %(key)s must be a whole number.") % {
                    "key": key.replace("_", " ")
                }
                return None
            return int(parsed)
        return float(parsed)

    loaded = load_kind in (Prescription.Load.KG, Prescription.Load.PERCENT_1RM)
    if kind == "add_load":
        if not loaded:
            error = _("Adding load needs a load in kg or % of 1RM.")
        clean = {"kind": kind, "step": number("step", -50, 50)}
    elif kind == "add_reps":
        top = reps_max or reps_min
        if top is None:
            error = _("Adding reps needs reps to start from.")
        clean = {
            "kind": kind,
            "step": number("step", 1, 20, integer=True),
            "max": number("max", 1, 100, integer=True),
        }
        load_step = number("load_step", 0, 50, required=False)
        if load_step is not None:
            if not loaded and load_step:
                error = error or _("Adding load after the reps needs a load in kg or % of 1RM.")
            clean["load_step"] = load_step
        if error is None and top is not None and clean["max"] < top:
            error = _("The progression's max reps must be at least the written %(n)d.") % {"n": top}
    elif kind == "wave":
        if not loaded:
            error = _("A percentage wave needs a load in kg or % of 1RM.")
        percents = rule.get("percents")
        if isinstance(percents, str):
            percents = [p for p in percents.replace(";", ",").split(",") if p.strip()]
        if not isinstance(percents, list) or not 2 <= len(percents) <= 12:
            error = error or _("A wave needs 2 to 12 percentages, like 70, 75, 80.")
            percents = []
        values = []
        for p in percents:
            parsed = _percent(p)
            if parsed is None or not 1 <= parsed <= 110:
                error = error or _("Each percentage of the wave must be between 1 and 110.")
                break
            values.append(float(parsed))
        clean = {"kind": kind, "percents": values}
    else:
        error = _("Choose how the prescription progresses: add load, add reps or a wave.")
    if "deload_every" in rule and rule.get("deload_every") not in (None, ""):
        clean["deload_every"] = number("deload_every", 2, 52, integer=True)
        percent = number("deload_percent", 30, 100, required=False)
        clean["deload_percent"] = percent if percent is not None else 60
    if error:
        raise ValidationError({"progression": error})
    return clean


# --- targets week by week ----------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What a prescription asks for in one program week."""

    week_number: int
    sets: int
    reps_min: int | None
    reps_max: int | None
    load_kind: str
    load_value: Decimal | None
    is_deload: bool = False

    @property
    def reps_text(self) -> str:
        if self.reps_min is None:
            return ""
        if self.reps_max and self.reps_max != self.reps_min:
            return f"{self.reps_min}\u2013{self.reps_max}"
        return str(self.reps_min)

    @property
    def load_text(self) -> str:
        if self.load_value is None or self.load_kind == Prescription.Load.NONE:
            return ""
        value = f"{self.load_value.normalize():f}"
        return {
            "kg": f"{value}\u00a0kg",
            "percent_1rm": f"{value}\u00a0% 1RM",
            "rpe": f"RPE {value}",
            "rir": f"{value} RIR",
        }[self.load_kind]


def _clamp_load(kind: str, value: Decimal) -> Decimal:
    high = Decimal("110") if kind == Prescription.Load.PERCENT_1RM else Decimal("1000")
    return min(max(value, Decimal("0")), high).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def prescription_for_week(
    prescription: Prescription, week_number: int, *, written_weeks: int | None = None
) -> Target:
    """The target of ``prescription`` in program week ``week_number`` (from 1).

    The written weeks repeat up to the program's length; each repetition (cycle) is
    one step of the progression rule (see the module docstring for the shapes).
    ``written_weeks`` is the number of written weeks of the program; without it,
    one query counts them. Loads never go below 0 (nor above 1000 kg / 110 %)."""
    if written_weeks is None:
        written_weeks = ProgramWeek.objects.filter(
            program_id=prescription.block.day.week.program_id
        ).count()
    written_weeks = max(1, written_weeks)
    week_number = max(1, int(week_number))
    cycle = (week_number - 1) // written_weeks
    rule = prescription.progression or {}
    kind = rule.get("kind")
    reps_min, reps_max = prescription.reps_min, prescription.reps_max
    load = prescription.load_value
    loaded = load is not None and prescription.load_kind in ("kg", "percent_1rm")
    if kind == "add_load" and loaded:
        load = load + Decimal(str(rule.get("step", 0))) * cycle
    elif kind == "add_reps" and reps_min is not None:
        step = max(1, int(rule.get("step", 1)))
        top = reps_max or reps_min
        ceiling = max(int(rule.get("max", top)), top)
        per_round = (ceiling - top) // step + 1
        rounds, k = divmod(cycle, per_round)
        reps_min = reps_min + k * step
        reps_max = reps_max + k * step if reps_max is not None else None
        if loaded:
            load = load + Decimal(str(rule.get("load_step", 0))) * rounds
    elif kind == "wave" and loaded:
        percents = [Decimal(str(p)) for p in rule.get("percents") or []]
        if percents and percents[0] > 0:
            load = load * percents[cycle % len(percents)] / percents[0]
    is_deload = False
    every = rule.get("deload_every")
    if every and int(every) >= 2 and week_number % int(every) == 0:
        is_deload = True
        if loaded:
            load = load * Decimal(str(rule.get("deload_percent", 60))) / 100
    if load is not None:
        load = _clamp_load(prescription.load_kind, load) if loaded else load
    return Target(
        week_number=week_number,
        sets=prescription.sets,
        reps_min=reps_min,
        reps_max=reps_max,
        load_kind=prescription.load_kind,
        load_value=load,
        is_deload=is_deload,
    )


def progression_text(rule: dict, load_kind: str = "kg") -> str:
    """The rule in words, for the builder ("+2.5 kg a week, deload every 4th week")."""
    if not rule:
        return ""
    unit = "\u00a0kg" if load_kind == "kg" else "\u00a0%"
    kind = rule.get("kind")
    if kind == "add_load":
        text = _("%(step)s%(unit)s each cycle") % {
            "step": f"{rule['step']:+g}",
            "unit": unit,
        }
    elif kind == "add_reps":
        text = _("+%(step)s reps each cycle up to %(max)s") % rule
        if rule.get("load_step"):
            text += _(", then +%(step)s%(unit)s") % {"step": f"{rule['load_step']:g}", "unit": unit}
    elif kind == "wave":
        text = _("wave %(p)s %%") % {"p": "/".join(f"{p:g}" for p in rule.get("percents", []))}
    else:
        text = ""
    if rule.get("deload_every"):
        text += _("; deload every %(n)s weeks") % {"n": rule["deload_every"]}
    return text

"""How a prescription and a logged set read, by the exercise's measurement kind.

Pure functions (no query): the logger, summaries, e-mails, the API and the coach's
review all say a set the same way. Loads are stored in kg and shown in the viewer's
system ("kg" or "lb"); durations in seconds, shown as "45 s" under a minute and as a
clock ("1:32", "1:02:03") from a minute on; distances in metres ("400 m", "5 km").

    format_target(prescription)          "3 × 45 s", "3 × 8–10 · 60 kg", "400 m in 1:32"
    format_set(logged_set, kind)         "45 s", "60 kg × 12", "12 reps", "400 m in 1:32"
"""

from __future__ import annotations

from decimal import Decimal

from clients import units as u
from programs.catalog.models import Measurement

TIMES = "\u00d7"
DOT = "\u00b7"
NBSP = "\u00a0"

REPS_LOAD = Measurement.REPS_LOAD.value
REPS = Measurement.REPS.value
TIME = Measurement.TIME.value
DISTANCE = Measurement.DISTANCE.value
TIME_DISTANCE = Measurement.TIME_DISTANCE.value

KINDS = frozenset(Measurement.values)  # (the enum builds that list on every read)
HAS_LOAD = {REPS_LOAD}
HAS_REPS = {REPS_LOAD, REPS}
HAS_TIME = {TIME, TIME_DISTANCE}
HAS_DISTANCE = {DISTANCE, TIME_DISTANCE}


def columns(kind: str) -> list[str]:
    """The values a set of this kind records, in the logger's column order."""
    kind = kind if kind in KINDS else REPS_LOAD
    return {
        REPS_LOAD: ["reps", "load_kg"],
        REPS: ["reps"],
        TIME: ["duration_seconds"],
        DISTANCE: ["distance_m"],
        TIME_DISTANCE: ["distance_m", "duration_seconds"],
    }[kind]


def format_duration(seconds: int | None) -> str:
    """45 -> "45 s", 92 -> "1:32", 3723 -> "1:02:03", None -> ""."""
    if seconds is None:
        return ""
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}{NBSP}s"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def parse_duration(text) -> int | None:
    """What people type for a time, in seconds: "45", "45s", "1:32", "1:02:03", "2m".
    None for an empty value; ValueError for anything else."""
    if text is None:
        return None
    if isinstance(text, int) and not isinstance(text, bool):
        if text < 0:
            raise ValueError("negative")
        return text
    raw = str(text).strip().lower().replace(" ", "")
    if not raw:
        return None
    if ":" in raw:
        parts = raw.split(":")
        if len(parts) > 3 or not all(p.isdigit() for p in parts):
            raise ValueError(text)
        numbers = [int(p) for p in parts]
        if any(n >= 60 for n in numbers[1:]):
            raise ValueError(text)
        total = 0
        for n in numbers:
            total = total * 60 + n
        return total
    for suffix, factor in (("min", 60), ("m", 60), ("sec", 1), ("s", 1), ("h", 3600)):
        if raw.endswith(suffix) and raw[: -len(suffix)].isdigit():
            return int(raw[: -len(suffix)]) * factor
    if raw.isdigit():
        return int(raw)
    raise ValueError(text)


def format_distance(metres: int | None) -> str:
    """400 -> "400 m", 5000 -> "5 km", 21097 -> "21.1 km", None -> ""."""
    if metres is None:
        return ""
    metres = int(metres)
    if metres < 1000:
        return f"{metres}{NBSP}m"
    km = (Decimal(metres) / 1000).quantize(Decimal("0.01"))
    if metres % 100 == 0:
        km = km.quantize(Decimal("0.1"))
    return f"{u.number_text(km)}{NBSP}km"


def format_load(load_kg, system: str = u.METRIC) -> str:
    """ "62.5 kg" / "225 lb" for a stored load, "" for None."""
    if load_kg is None:
        return ""
    return u.format_value(Decimal(load_kg), kind=u.MASS, system=system)


def kind_of(obj, kind: str | None = None) -> str:
    """The measurement kind for a prescription or a logged set: ``kind`` when given,
    else its exercise's (``catalog_exercise`` or ``exercise``, if loaded), else what
    its filled values suggest."""
    if kind in KINDS:
        return kind
    state = getattr(obj, "_state", None)
    for name in ("catalog_exercise", "exercise"):
        if state is not None and name not in state.fields_cache:
            continue  # not loaded: never a query from here
        found = getattr(getattr(obj, name, None), "measurement", None)
        if found in KINDS:
            return found
    duration = getattr(obj, "duration_seconds", None)
    distance = getattr(obj, "distance_m", None)
    if duration is not None and distance is not None:
        return TIME_DISTANCE
    if distance is not None:
        return DISTANCE
    if duration is not None and getattr(obj, "reps", getattr(obj, "reps_min", None)) is None:
        return TIME
    return REPS_LOAD


def _reps_text(reps_min: int | None, reps_max: int | None) -> str:
    if reps_min and reps_max and reps_max != reps_min:
        return f"{reps_min}\u2013{reps_max}"
    return str(reps_min) if reps_min else ""


def _load_target_text(load_kind: str, load_value, system: str) -> str:
    if load_value is None or load_kind in ("", "none", None):
        return ""
    number = u.number_text(Decimal(load_value).normalize())
    if load_kind == "kg":
        return format_load(load_value, system)
    if load_kind == "percent_1rm":
        return f"{number}% of 1RM"
    if load_kind == "rpe":
        return f"RPE {number}"
    if load_kind == "rir":
        return f"{number} in reserve"
    return ""


def _time_distance_text(kind: str, duration: int | None, distance: int | None) -> str:
    if kind == TIME:
        return format_duration(duration)
    if kind == DISTANCE:
        return format_distance(distance)
    if distance is not None and duration is not None:
        return f"{format_distance(distance)} in {format_duration(duration)}"
    return format_distance(distance) or format_duration(duration)


def format_time_distance(duration: int | None, distance: int | None) -> str:
    """ "45 s", "400 m", "400 m in 1:32", "" when neither is given."""
    return _time_distance_text(TIME_DISTANCE, duration, distance)


def format_target(prescription, kind: str | None = None, *, system: str = u.METRIC) -> str:
    """What a prescription (or a week's target with the same fields) asks for:

    reps and load "3 × 8–10 · 60 kg", "3 × 5 · RPE 8"; reps only "3 × 12";
    time "3 × 45 s"; distance "5 × 400 m"; time and distance "400 m in 1:32"
    (one set) or "4 × 400 m in 1:32". A load target is added for every kind
    ("3 × 40 m · 24 kg" for a carry, "3 × 8 · 10 kg" for weighted pull-ups)."""
    kind = kind_of(prescription, kind)
    sets = getattr(prescription, "sets", None) or 1
    load = _load_target_text(
        getattr(prescription, "load_kind", ""), getattr(prescription, "load_value", None), system
    )
    if kind in HAS_REPS:
        reps = _reps_text(
            getattr(prescription, "reps_min", None), getattr(prescription, "reps_max", None)
        )
        text = f"{sets} {TIMES} {reps}" if reps else f"{sets} sets"
        return f"{text} {DOT} {load}" if load else text
    what = _time_distance_text(
        kind,
        getattr(prescription, "duration_seconds", None),
        getattr(prescription, "distance_m", None),
    )
    text = (f"{sets} {TIMES} {what}" if sets > 1 else what) if what else f"{sets} sets"
    return f"{text} {DOT} {load}" if load else text


def format_set(logged_set, kind: str | None = None, *, system: str = u.METRIC) -> str:
    """What one logged set was: "60 kg × 12" (reps and load; "12 reps" without a load),
    "12 reps", "45 s", "400 m", "400 m in 1:32". Values the kind does not record but
    the set carries anyway (older sets) are added, never dropped; "done" when empty."""
    kind = kind_of(logged_set, kind)
    reps = getattr(logged_set, "reps", None)
    load_kg = getattr(logged_set, "load_kg", None)
    duration = getattr(logged_set, "duration_seconds", None)
    distance = getattr(logged_set, "distance_m", None)
    parts = []
    if kind in HAS_REPS or reps is not None:
        if load_kg is not None and reps is not None:
            parts.append(f"{format_load(load_kg, system)} {TIMES} {reps}")
        elif reps is not None:
            parts.append(f"{reps} rep{'' if reps == 1 else 's'}")
        elif load_kg is not None:
            parts.append(format_load(load_kg, system))
    elif load_kg is not None:
        parts.append(format_load(load_kg, system))
    timed = _time_distance_text(TIME_DISTANCE, duration, distance)
    if timed:
        parts.append(timed)
    return f" {DOT} ".join(parts) if parts else "done"

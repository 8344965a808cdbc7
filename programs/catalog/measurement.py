"""Guessing how an exercise is measured (``Measurement``) from what the catalog knows
of it, by the rule table in ``data/measurement_rules.py``. Pure: the loaders, the
importer and migrations call it with plain values."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from .data import measurement_rules as rules
from .text import normalise


@cache
def _compiled() -> list[tuple[re.Pattern, str | None, frozenset[str] | None]]:
    return [(re.compile(pattern), kind, cats) for pattern, kind, cats in rules.RULES]


def measurement_infer(
    *, name: str, category: str = "", equipment: Iterable[str] = (), aliases: Iterable[str] = ()
) -> str:
    """ "time" for "Front Plank", "distance" for "Farmer's Carry", "time_distance" for
    "Treadmill Run", "reps" for "Push-Up", "reps_load" for "Back Squat"."""
    key = normalise(name)
    for pattern, kind, categories in _compiled():
        if categories is not None and category not in categories:
            continue
        if pattern.search(key):
            if kind is None:
                break
            return kind
    gear = {item for item in equipment or () if item}
    if category in rules.HELD_CATEGORIES:
        return rules.TIME
    if gear <= rules.NO_LOAD_EQUIPMENT:
        return rules.REPS
    if category in rules.TIMED_CATEGORIES:
        return rules.TIME
    return rules.REPS_LOAD

"""Pure functions on training values (no query), shared by the logging and records
services and the selectors that build the pages, so that selectors need not import
services: how a page names an exercise and how a filter matches its rows, a stored load
for people, a prescription's fingerprint, and the estimated one-rep max."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from clients import units as u

from .models import Prescription

CENT = Decimal("0.01")
E1RM_MAX_REPS = 10


def exercise_ref(*, catalog_exercise_id: int | None, exercise_id: int | None) -> str:
    """How the page names an exercise: "catalog:12" or "own:7"."""
    return f"catalog:{catalog_exercise_id}" if catalog_exercise_id else f"own:{exercise_id}"


def exercises_q(keys: Iterable[tuple[int | None, int | None]]) -> Q:
    """A filter for the rows (sets, records) of the exercises ``keys`` name, each as
    ``(catalog_exercise_id, exercise_id)``; no key matches nothing."""
    matching = Q(pk__in=[])
    for catalog_id, exercise_id in keys:
        if catalog_id is not None:
            matching |= Q(catalog_exercise_id=catalog_id)
        else:
            matching |= Q(exercise_id=exercise_id)
    return matching


def load_display(load_kg: Decimal | None, *, system: str) -> str:
    """ "102.5" in kg or "225" in lb: a stored load for people, without the unit."""
    if load_kg is None:
        return ""
    return u.number_text(u.to_display(load_kg, kind=u.MASS, system=system))


def prescription_version(prescription: Prescription) -> str:
    """A short fingerprint of what a prescription asks for. The page sends the one it was
    built with; a different one at sync time means the coach edited it meanwhile.
    (Prescription has no ``updated_at``: this also notices edits that keep the row.)"""
    parts = [
        prescription.catalog_exercise_id,
        prescription.exercise_id,
        prescription.sets,
        prescription.reps_min,
        prescription.reps_max,
        prescription.load_kind,
        prescription.load_value,
        prescription.duration_seconds,
        prescription.distance_m,
        prescription.block_id,
    ]
    text = "|".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def epley_e1rm(load_kg: Decimal, reps: int) -> Decimal | None:
    """Estimated one-rep max by Epley: ``load x (1 + reps / 30)``, for 1 <= reps <= 10.

    A single (1 rep) is the load itself. Returns None outside 1-10 reps or without a
    load. Rounded half up to 0.01 kg."""
    if load_kg is None or reps is None or not 1 <= reps <= E1RM_MAX_REPS or load_kg <= 0:
        return None
    load = Decimal(load_kg)
    value = load if reps == 1 else load * (1 + Decimal(reps) / 30)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)

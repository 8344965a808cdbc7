"""How sets and targets read by measurement kind (pure: no database)."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from programs.sets import (
    columns,
    format_distance,
    format_duration,
    format_set,
    format_target,
    parse_duration,
)


@dataclass
class P:
    sets: int = 3
    reps_min: int | None = None
    reps_max: int | None = None
    load_kind: str = "none"
    load_value: Decimal | None = None
    duration_seconds: int | None = None
    distance_m: int | None = None


@dataclass
class S:
    reps: int | None = None
    load_kg: Decimal | None = None
    duration_seconds: int | None = None
    distance_m: int | None = None


def test_a_plank_target_reads_as_sets_of_seconds():
    assert format_target(P(sets=3, duration_seconds=45), "time") == "3 × 45\u00a0s"


def test_a_loaded_target_keeps_sets_reps_and_load():
    target = P(sets=3, reps_min=8, reps_max=10, load_kind="kg", load_value=Decimal("60"))
    assert format_target(target, "reps_load") == "3 × 8–10 · 60\u00a0kg"
    assert format_target(target, "reps_load", system="lb") == "3 × 8–10 · 132.3\u00a0lb"


def test_a_reps_only_target_has_no_load():
    assert format_target(P(sets=3, reps_min=12), "reps") == "3 × 12"


def test_a_run_target_reads_as_distance_in_time():
    assert format_target(P(sets=1, distance_m=400, duration_seconds=92), "time_distance") == (
        "400\u00a0m in 1:32"
    )
    assert format_target(P(sets=5, distance_m=400), "distance") == "5 × 400\u00a0m"


def test_a_plank_set_reads_as_seconds_not_reps():
    assert format_set(S(duration_seconds=45), "time") == "45\u00a0s"
    assert format_set(S(duration_seconds=90), "time") == "1:30"


def test_loaded_and_bodyweight_sets():
    assert format_set(S(reps=12, load_kg=Decimal("60")), "reps_load") == "60\u00a0kg × 12"
    assert format_set(S(reps=12), "reps") == "12 reps"
    assert format_set(S(reps=1), "reps") == "1 rep"
    assert format_set(S(reps=12), "reps_load") == "12 reps"


def test_a_distance_set_and_a_timed_distance():
    assert format_set(S(distance_m=400, duration_seconds=92), "time_distance") == (
        "400\u00a0m in 1:32"
    )
    assert format_set(S(distance_m=5000), "distance") == "5\u00a0km"


def test_a_set_without_values_is_done_and_none_never_shows():
    assert format_set(S(), "time") == "done"
    assert "None" not in format_set(S(reps=45), "time")


def test_kind_is_inferred_from_the_values_when_not_given():
    assert format_set(S(duration_seconds=45)) == "45\u00a0s"
    assert format_target(P(sets=3, duration_seconds=45)) == "3 × 45\u00a0s"


def test_durations_and_distances():
    assert format_duration(59) == "59\u00a0s"
    assert format_duration(3723) == "1:02:03"
    assert format_distance(21097) == "21.1\u00a0km"
    assert format_distance(1500) == "1.5\u00a0km"


def test_the_columns_follow_the_kind():
    assert columns("time") == ["duration_seconds"]
    assert columns("reps_load") == ["reps", "load_kg"]
    assert columns("bogus") == ["reps", "load_kg"]


@pytest.mark.parametrize(
    "text,seconds",
    [("45", 45), ("45s", 45), ("45 s", 45), ("1:32", 92), ("1:02:03", 3723), ("2m", 120)],
)
def test_durations_people_type(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["abc", "1:75", "-3", "1.5"])
def test_durations_that_are_not_times_are_refused(text):
    with pytest.raises(ValueError):
        parse_duration(text)


@given(st.integers(min_value=0, max_value=86400))
def test_a_shown_duration_reads_back_as_the_same_seconds(seconds):
    assert parse_duration(format_duration(seconds).replace("\u00a0", "")) == seconds

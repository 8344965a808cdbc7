"""Records of exercises not measured in reps and load: longest hold, longest distance,
fastest time for a distance, most reps. Exact (integers compared as stored) and
independent of the order sets arrive in (hypothesis, against a brute force written from
the definition: a set is a record when it beats every counting set logged before it,
and there is at least one)."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs.models import PersonalRecord, SetLog, WorkoutLog
from programs.selectors.logging import record_text, records_best_of
from programs.services.records import SetFact, records_expected, records_refresh
from programs.tests.conftest import catalog_exercise

T0 = datetime.datetime(2025, 1, 6, 8, 0, tzinfo=datetime.UTC)


def brute_force(facts: list[SetFact], measurement: str) -> set[tuple]:
    """{(kind, distance, set key, value)} by the definition, O(n^2)."""
    working = [f for f in facts if not f.is_warmup]
    found = set()

    def records_of(candidates, kind, distance=None, lower=False):
        for order, value, key in candidates:
            before = [v for o, v, _k in candidates if o < order]
            if before and (value < min(before) if lower else value > max(before)):
                found.add((kind, distance, key, value))

    def cand(value_of, keep):
        return [((f.at, f.key), Decimal(value_of(f)), f.key) for f in working if keep(f)]

    if measurement == "time":
        records_of(
            cand(lambda f: f.duration_seconds, lambda f: (f.duration_seconds or 0) >= 1), "time"
        )
    if measurement in ("distance", "time_distance"):
        records_of(cand(lambda f: f.distance_m, lambda f: (f.distance_m or 0) >= 1), "distance")
        for distance in {f.distance_m for f in working if f.distance_m}:
            records_of(
                cand(
                    lambda f: f.duration_seconds,
                    lambda f, d=distance: f.distance_m == d and (f.duration_seconds or 0) >= 1,
                ),
                "fastest",
                distance,
                lower=True,
            )
    if measurement == "reps":
        records_of(cand(lambda f: f.reps, lambda f: (f.reps or 0) >= 1 and not f.load_kg), "reps")
    return found


def as_set(expected) -> set[tuple]:
    return {(e.kind, e.distance_m, e.set_key, e.value) for e in expected if e.kind != "volume"}


durations = st.none() | st.integers(min_value=0, max_value=400)
distances = st.none() | st.sampled_from([0, 100, 200, 400, 400, 1000, 5000])
specs = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=5),  # workout (day)
        st.integers(min_value=0, max_value=50),  # minutes into it
        durations,
        distances,
        st.none() | st.integers(min_value=0, max_value=40),  # reps
        st.sampled_from([None, None, "0", "10"]),  # load
        st.booleans() | st.just(False),  # warm-up
    ),
    max_size=25,
)


def facts_from(rows) -> list[SetFact]:
    return [
        SetFact(
            key=f"s{i:03d}",
            workout_key=f"w{day}",
            at=T0 + datetime.timedelta(days=day, minutes=minute),
            workout_at=T0 + datetime.timedelta(days=day),
            reps=reps,
            load_kg=Decimal(load) if load is not None else None,
            is_warmup=warmup,
            duration_seconds=duration,
            distance_m=distance,
        )
        for i, (day, minute, duration, distance, reps, load, warmup) in enumerate(rows)
    ]


@settings(max_examples=300, deadline=None)
@given(rows=specs, data=st.data())
def test_longest_hold_equals_the_brute_force_in_any_order(rows, data):
    facts = facts_from(rows)
    shuffled = data.draw(st.permutations(facts))
    assert as_set(records_expected(facts, "time")) == brute_force(facts, "time")
    assert as_set(records_expected(shuffled, "time")) == brute_force(facts, "time")


@settings(max_examples=300, deadline=None)
@given(rows=specs, data=st.data())
def test_fastest_for_a_distance_and_longest_distance_equal_the_brute_force(rows, data):
    facts = facts_from(rows)
    shuffled = data.draw(st.permutations(facts))
    for kind in ("distance", "time_distance"):
        assert as_set(records_expected(facts, kind)) == brute_force(facts, kind)
        assert as_set(records_expected(shuffled, kind)) == brute_force(facts, kind)


@settings(max_examples=200, deadline=None)
@given(rows=specs)
def test_most_reps_equals_the_brute_force(rows):
    facts = facts_from(rows)
    found = {r for r in as_set(records_expected(facts, "reps")) if r[0] == "reps"}
    assert found == brute_force(facts, "reps")


@settings(max_examples=100, deadline=None)
@given(rows=specs)
def test_a_timed_exercise_never_gets_load_records(rows):
    kinds = {e.kind for e in records_expected(facts_from(rows), "time")}
    assert kinds <= {"time"}


def test_a_longer_plank_is_a_record_and_a_tie_is_not():
    facts = facts_from(
        [
            (0, 0, 45, None, None, None, False),
            (1, 0, 45, None, None, None, False),
            (2, 0, 60, None, None, None, False),
        ]
    )
    found = records_expected(facts, "time")
    assert [(e.kind, e.value, e.previous, e.set_key) for e in found] == [
        ("time", Decimal(60), Decimal(45), "s002")
    ]


def test_a_faster_400_is_a_record_but_a_faster_200_is_not_one_for_400():
    facts = facts_from(
        [
            (0, 0, 92, 400, None, None, False),
            (1, 0, 40, 200, None, None, False),
            (2, 0, 88, 400, None, None, False),
        ]
    )
    found = {(e.kind, e.distance_m, e.value) for e in records_expected(facts, "time_distance")}
    assert found == {("fastest", 400, Decimal(88))}


# --- stored, and shown ------------------------------------------------------------------


@pytest.fixture
def plank(db):
    return catalog_exercise(
        "Test Front Plank", category="core", equipment=["body only"], measurement="time"
    )


@pytest.fixture
def run(db):
    return catalog_exercise(
        "Test Track Run", category="cardio", equipment=[], measurement="time_distance"
    )


@pytest.mark.django_db
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=specs, data=st.data())
def test_stored_run_records_equal_the_brute_force_whatever_the_order(
    business, client_record, run, rows, data
):
    facts = facts_from(rows)
    order = data.draw(st.permutations(range(len(facts))))
    cut = data.draw(st.integers(min_value=1, max_value=max(1, len(facts))))
    with tenant_context(business):
        PersonalRecord.objects.filter(client=client_record).delete()
        WorkoutLog.objects.filter(client=client_record).delete()
        workouts, key_of, pending = {}, {}, 0
        for position, index in enumerate(order):
            f = facts[index]
            workout = workouts.get(f.workout_key)
            if workout is None:
                workout = workouts[f.workout_key] = WorkoutLog.objects.create(
                    client=client_record, started_at=f.workout_at
                )
            row = SetLog.objects.create(
                workout=workout,
                catalog_exercise=run,
                client_uuid=uuid.uuid4(),
                set_number=1,
                duration_seconds=f.duration_seconds,
                distance_m=f.distance_m,
                is_warmup=f.is_warmup,
                logged_at=f.at,
            )
            key_of[str(row.client_uuid)] = f.key
            pending += 1
            if pending >= cut or position == len(order) - 1:
                records_refresh(client=client_record, exercises=[(run.pk, None)])
                pending = 0
        stored = {
            (r.kind, r.distance_m, str(r.set_log.client_uuid), r.value)
            for r in PersonalRecord.objects.filter(client=client_record).select_related("set_log")
        }
    # ties of equal times are broken by the stored set's id: the brute force runs on those
    stored_facts = [
        SetFact(
            key=row_uuid,
            workout_key=f.workout_key,
            at=f.at,
            workout_at=f.workout_at,
            reps=None,
            load_kg=None,
            is_warmup=f.is_warmup,
            duration_seconds=f.duration_seconds,
            distance_m=f.distance_m,
        )
        for row_uuid, f in ((u, next(x for x in facts if x.key == k)) for u, k in key_of.items())
    ]
    assert stored == brute_force(stored_facts, "time_distance")


def test_records_of_a_plank_and_a_run_read_as_time_and_distance(
    business, client_record, plank, run
):
    with tenant_context(business):
        workouts = []
        for day, (hold, seconds) in enumerate([(45, 100), (90, 92)]):
            w = WorkoutLog.objects.create(
                client=client_record, started_at=T0 + datetime.timedelta(days=day)
            )
            workouts.append(w)
            SetLog.objects.create(
                workout=w,
                catalog_exercise=plank,
                set_number=1,
                duration_seconds=hold,
                logged_at=w.started_at,
            )
            SetLog.objects.create(
                workout=w,
                catalog_exercise=run,
                set_number=1,
                duration_seconds=seconds,
                distance_m=400,
                logged_at=w.started_at,
            )
        new = records_refresh(client=client_record, exercises=[(plank.pk, None), (run.pk, None)])
        texts = sorted(record_text(n.record, "kg") for n in new)
        assert texts == ["Fastest 400\u00a0m: 1:32", "Longest time 1:30"]
        best = records_best_of(PersonalRecord.objects.filter(client=client_record))
        assert {r.kind for r in best} == {"time", "fastest"}
        assert not PersonalRecord.objects.filter(kind__in=["e1rm", "rep_max", "volume"]).exists()

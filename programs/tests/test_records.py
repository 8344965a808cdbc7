"""Personal records: the formula, and (hypothesis) exactness whatever the logging order.

The brute force here is written from the definition, independently of the service: a set
is a record when its value is strictly above the value of every counting set logged
before it (and there is at least one), per client, exercise and kind (and rep count)."""

import datetime
import uuid
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs.models import PersonalRecord, SetLog, WorkoutLog
from programs.services.records import SetFact, epley_e1rm, records_expected, records_refresh

T0 = datetime.datetime(2025, 1, 6, 8, 0, tzinfo=datetime.UTC)


# --- the formula ----------------------------------------------------------------------


def test_epley_estimates_one_rep_max_from_load_and_reps():
    assert epley_e1rm(Decimal("100"), 5) == Decimal("116.67")  # 100 x (1 + 5/30)
    assert epley_e1rm(Decimal("100"), 10) == Decimal("133.33")
    assert epley_e1rm(Decimal("60"), 3) == Decimal("66.00")


def test_a_single_counts_as_its_load():
    assert epley_e1rm(Decimal("140"), 1) == Decimal("140.00")


def test_more_than_ten_reps_or_no_load_give_no_estimate():
    assert epley_e1rm(Decimal("100"), 11) is None
    assert epley_e1rm(Decimal("100"), 0) is None
    assert epley_e1rm(Decimal("0"), 5) is None
    assert epley_e1rm(None, 5) is None


# --- a brute force from the definition ------------------------------------------------


def _cents(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def brute_force(facts: list[SetFact]) -> set[tuple]:
    """{(kind, reps, set-or-workout key, value)} by the definition, O(n^2)."""
    working = [
        f
        for f in facts
        if not f.is_warmup and f.reps and f.reps >= 1 and f.load_kg and f.load_kg > 0
    ]
    found = set()

    def records_of(candidates, kind, reps=None):
        for order, value, key in candidates:
            before = [v for o, v, _k in candidates if o < order]
            if before and value > max(before):
                found.add((kind, reps, key, value))

    e1rm = []
    for f in working:
        if 1 <= f.reps <= 10:
            load = Fraction(str(f.load_kg))
            value = load if f.reps == 1 else load * (1 + Fraction(f.reps, 30))
            e1rm.append(((f.at, f.key), _cents(value), f.key))
    records_of(e1rm, "e1rm")
    for reps in range(1, 13):
        records_of(
            [
                ((f.at, f.key), Decimal(f.load_kg).quantize(Decimal("0.01")), f.key)
                for f in working
                if f.reps == reps
            ],
            "rep_max",
            reps,
        )
    volumes: dict[str, Fraction] = {}
    starts = {}
    for f in working:
        volumes[f.workout_key] = (
            volumes.get(f.workout_key, Fraction(0)) + Fraction(str(f.load_kg)) * f.reps
        )
        starts[f.workout_key] = f.workout_at
    records_of([((starts[w], w), _cents(v), w) for w, v in volumes.items()], "volume")
    return found


def as_set(expected) -> set[tuple]:
    return {(e.kind, e.reps, e.set_key or e.workout_key, e.value) for e in expected}


loads = st.sampled_from(["0", "20", "40", "60", "60.5", "80", "100", "102.06", "120", None])
set_specs = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=5),  # workout (day)
        st.integers(min_value=0, max_value=50),  # minutes into the workout
        st.integers(min_value=0, max_value=15),  # reps
        loads,
        st.booleans() | st.just(False),  # warm-up (less often)
    ),
    max_size=25,
)


def facts_from(specs) -> list[SetFact]:
    facts = []
    for i, (day, minute, reps, load, warmup) in enumerate(specs):
        workout_at = T0 + datetime.timedelta(days=day)
        facts.append(
            SetFact(
                key=f"s{i:03d}",
                workout_key=f"w{day}",
                at=workout_at + datetime.timedelta(minutes=minute),
                workout_at=workout_at,
                reps=reps,
                load_kg=Decimal(load) if load is not None else None,
                is_warmup=warmup,
            )
        )
    return facts


@settings(max_examples=300, deadline=None)
@given(specs=set_specs, data=st.data())
def test_detection_equals_the_brute_force_in_any_order(specs, data):
    facts = facts_from(specs)
    shuffled = data.draw(st.permutations(facts))
    assert as_set(records_expected(facts)) == brute_force(facts)
    assert as_set(records_expected(shuffled)) == as_set(records_expected(facts))


@settings(max_examples=150, deadline=None)
@given(
    specs=set_specs,
    extra=st.lists(st.tuples(st.integers(0, 5), st.integers(1, 12), loads), max_size=6),
)
def test_warm_up_sets_never_count(specs, extra):
    facts = facts_from(specs)
    warmups = [
        SetFact(
            key=f"warm{i}",
            workout_key=f"w{day}",
            at=T0 + datetime.timedelta(days=day, minutes=1),
            workout_at=T0 + datetime.timedelta(days=day),
            reps=reps,
            load_kg=Decimal("999") if load is None else Decimal(load) * 10,
            is_warmup=True,
        )
        for i, (day, reps, load) in enumerate(extra)
    ]
    with_warmups = as_set(records_expected(facts + warmups))
    assert with_warmups == as_set(records_expected(facts))
    assert not any(key.startswith("warm") for _k, _r, key, _v in with_warmups)


def test_a_tie_is_not_a_record_and_the_first_time_is_the_baseline():
    facts = facts_from([(0, 0, 5, "100", False), (1, 0, 5, "100", False)])
    assert records_expected(facts[:1]) == []
    assert records_expected(facts) == []


# --- stored records, sets arriving in any order and batches ------------------------------


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=set_specs, data=st.data())
def test_stored_records_equal_the_brute_force_whatever_the_order_of_logging(
    business, client_record, back_squat, specs, data
):
    facts = facts_from(specs)
    order = data.draw(st.permutations(range(len(facts))))
    cut = data.draw(st.integers(min_value=1, max_value=max(1, len(facts))))
    with tenant_context(business):
        PersonalRecord.objects.filter(client=client_record).delete()
        WorkoutLog.objects.filter(client=client_record).delete()
        workouts = {}
        key_of = {}
        pending = []
        for position, index in enumerate(order):
            f = facts[index]
            workout = workouts.get(f.workout_key)
            if workout is None:
                workout = workouts[f.workout_key] = WorkoutLog.objects.create(
                    client=client_record, started_at=f.workout_at
                )
            row = SetLog.objects.create(
                workout=workout,
                catalog_exercise=back_squat,
                client_uuid=uuid.uuid4(),
                set_number=1,
                reps=f.reps,
                load_kg=f.load_kg,
                is_warmup=f.is_warmup,
                logged_at=f.at,
            )
            key_of[str(row.client_uuid)] = f.key
            pending.append(row)
            # records are refreshed after every batch (a sync); batches of ``cut`` sets
            if len(pending) >= cut or position == len(order) - 1:
                records_refresh(client=client_record, exercises=[(back_squat.pk, None)])
                pending = []
        workout_key = {w.pk: k for k, w in workouts.items()}
        stored = {
            (
                r.kind,
                r.reps,
                key_of[str(r.set_log.client_uuid)] if r.set_log_id else workout_key[r.workout_id],
                r.value,
            )
            for r in PersonalRecord.objects.filter(client=client_record).select_related("set_log")
        }
    # the service breaks ties of equal times by the stored set's id (its client_uuid),
    # so the brute force runs on the same ids, then maps them back to the facts' keys
    stored_facts = [
        SetFact(
            key=str(row_uuid),
            workout_key=f.workout_key,
            at=f.at,
            workout_at=f.workout_at,
            reps=f.reps,
            load_kg=f.load_kg,
            is_warmup=f.is_warmup,
        )
        for row_uuid, f in ((u, next(x for x in facts if x.key == k)) for u, k in key_of.items())
    ]
    expected = {
        (kind, reps, key_of.get(key, key), value)
        for kind, reps, key, value in brute_force(stored_facts)
    }
    assert stored == expected


def test_records_are_refreshed_when_a_late_earlier_set_arrives(business, client_record, back_squat):
    """Yesterday's heavier set, synced today from an offline phone, takes the record
    from today's set, which no longer beat everything before it."""
    with tenant_context(business):
        now = timezone.now()

        def log(days_ago, load):
            w = WorkoutLog.objects.create(
                client=client_record, started_at=now - datetime.timedelta(days=days_ago)
            )
            return SetLog.objects.create(
                workout=w,
                catalog_exercise=back_squat,
                set_number=1,
                reps=5,
                load_kg=Decimal(load),
                logged_at=w.started_at,
            )

        log(3, "100")
        today = log(0, "105")
        records_refresh(client=client_record, exercises=[(back_squat.pk, None)])
        assert PersonalRecord.objects.filter(set_log=today, kind="e1rm").exists()
        late = log(1, "110")
        records_refresh(client=client_record, exercises=[(back_squat.pk, None)])
        assert not PersonalRecord.objects.filter(set_log=today).exists()
        assert PersonalRecord.objects.filter(set_log=late, kind="e1rm").exists()

"""The program builder's services: validation, reorder, duplicate, clone, progression."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs import progression
from programs.api.builder import PrescriptionInputSerializer
from programs.models import Block, Prescription, ProgramDay, ProgramWeek
from programs.services import prescriptions
from programs.services import program_structure as structure


def names(week):
    return list(week.days.order_by("position").values_list("name", flat=True))


@pytest.fixture
def program(tenant, owner, back_squat):
    program = structure.program_create(by=owner, name="Four days", days=["Upper A", "Lower A"])
    return program


@pytest.fixture
def week(program):
    return program.weeks.get()


def squat_ref(back_squat):
    return f"catalog:{back_squat.pk}"


def typed(data: dict) -> dict:
    """``data`` as a coach types it, parsed by the API's serializer into the typed values
    the services take; a value that does not parse is refused keyed by its field."""
    serializer = PrescriptionInputSerializer(data=data)
    if not serializer.is_valid():
        raise ValidationError(
            {key: [str(m) for m in errors] for key, errors in serializer.errors.items()}
        )
    return dict(serializer.validated_data)


# --- programs, days, validation ----------------------------------------------------


def test_a_new_program_is_a_template_with_its_first_week(program):
    assert program.is_template and program.client_id is None
    assert names(program.weeks.get()) == ["Upper A", "Lower A"]


def test_a_program_needs_a_name_and_a_sane_length(tenant, owner):
    with pytest.raises(ValidationError) as exc:
        structure.program_create(by=owner, name="  ", length_weeks=60)
    assert set(exc.value.message_dict) == {"name", "length_weeks"}


def test_a_program_for_a_client_is_not_a_template(tenant, owner, client_record):
    program = structure.program_create(by=owner, name="Cleo's", client=client_record)
    assert not program.is_template and program.client == client_record


def test_a_day_needs_a_name(week, owner):
    with pytest.raises(ValidationError) as exc:
        structure.day_add(week=week, by=owner, name="")
    assert "name" in exc.value.message_dict


def test_a_week_holds_at_most_seven_workouts(week, owner):
    for n in range(5):
        structure.day_add(week=week, by=owner, name=f"Day {n}")
    with pytest.raises(ValidationError):
        structure.day_add(week=week, by=owner, name="Eighth")


@pytest.mark.parametrize(
    "data, field",
    [
        ({"sets": 0}, "sets"),
        ({"sets": 21}, "sets"),
        ({"sets": "many"}, "sets"),
        ({"reps_min": 0}, "reps_min"),
        ({"reps_min": 101}, "reps_min"),
        ({"reps_min": 10, "reps_max": 8}, "reps_max"),
        ({"reps_min": -3}, "reps_min"),
        ({"load_kind": "kg", "load_value": "1001"}, "load_value"),
        ({"load_kind": "kg", "load_value": "-1"}, "load_value"),
        ({"load_kind": "kg", "load_value": "heavy"}, "load_value"),
        ({"load_kind": "kg", "load_value": ""}, "load_value"),
        ({"load_kind": "rpe", "load_value": "11"}, "load_value"),
        ({"load_kind": "rpe", "load_value": "0.5"}, "load_value"),
        ({"load_kind": "rir", "load_value": "11"}, "load_value"),
        ({"load_kind": "percent_1rm", "load_value": "111"}, "load_value"),
        ({"load_kind": "percent_1rm", "load_value": "0"}, "load_value"),
        ({"load_kind": "pounds"}, "load_kind"),
        ({"tempo": "slow"}, "tempo"),
        ({"rest_seconds": 4000}, "rest_seconds"),
        ({"notes": "x" * 301}, "notes"),
        ({"progression": {"kind": "add_load", "step": 2.5}}, "progression"),  # no load
        ({"load_kind": "kg", "load_value": 50, "progression": {"kind": "teleport"}}, "progression"),
        (
            {
                "reps_min": 8,
                "reps_max": 12,
                "progression": {"kind": "add_reps", "step": 1, "max": 10},
            },
            "progression",
        ),
        (
            {
                "load_kind": "kg",
                "load_value": 50,
                "progression": {"kind": "wave", "percents": [70]},
            },
            "progression",
        ),
    ],
)
def test_a_prescription_refuses_bad_values_with_a_message_per_field(
    week, owner, back_squat, data, field
):
    day = week.days.first()
    with pytest.raises(ValidationError) as exc:
        prescriptions.prescription_add(
            by=owner, exercise_ref=squat_ref(back_squat), day=day, **typed(data)
        )
    assert field in exc.value.message_dict
    assert not Prescription.objects.filter(block__day=day).exists()
    assert not Block.objects.filter(day=day).exists()  # the new block rolled back too


def test_a_prescription_keeps_a_rep_range_a_load_and_a_rule(week, owner, back_squat):
    p = prescriptions.prescription_add(
        by=owner,
        exercise_ref=squat_ref(back_squat),
        day=week.days.first(),
        **typed(
            {
                "sets": "4",
                "reps_min": "6",
                "reps_max": "8",
                "load_kind": "kg",
                "load_value": "82,5",
                "tempo": "3-1-x-0",
                "rest_seconds": "120",
                "progression": {"kind": "add_load", "step": "2.5", "deload_every": 4},
            }
        ),
    )
    p.refresh_from_db()
    assert (p.sets, p.reps_min, p.reps_max, p.load_value, p.tempo) == (
        4,
        6,
        8,
        Decimal("82.5"),
        "3-1-X-0",
    )
    assert p.progression == {
        "kind": "add_load",
        "step": 2.5,
        "deload_every": 4,
        "deload_percent": 60,
    }


def test_an_unknown_exercise_is_refused(week, owner):
    with pytest.raises(ValidationError) as exc:
        prescriptions.prescription_add(
            by=owner, exercise_ref="catalog:999999", day=week.days.first()
        )
    assert "exercise" in exc.value.message_dict


# --- reorder, duplicate, clone -----------------------------------------------------


def test_days_reorder_inside_a_transaction(week, owner):
    structure.day_add(week=week, by=owner, name="Upper B")
    ids = list(week.days.order_by("position").values_list("pk", flat=True))
    structure.day_reorder(week=week, by=owner, order=[ids[2], ids[0], ids[1]])
    assert names(week) == ["Upper B", "Upper A", "Lower A"]


def test_a_stale_order_is_refused(week, owner):
    ids = list(week.days.values_list("pk", flat=True))
    with pytest.raises(ValidationError) as exc:
        structure.day_reorder(week=week, by=owner, order=ids[:1])
    assert "order" in exc.value.message_dict


def test_blocks_and_prescriptions_reorder_and_move_between_blocks(
    week, owner, back_squat, bench_press
):
    day = week.days.first()
    squat = prescriptions.prescription_add(by=owner, exercise_ref=squat_ref(back_squat), day=day)
    bench = prescriptions.prescription_add(
        by=owner, exercise_ref=f"catalog:{bench_press.pk}", day=day
    )
    first, second = list(day.blocks.order_by("position"))
    structure.block_reorder(day=day, by=owner, order=[second.pk, first.pk])
    assert list(day.blocks.order_by("position")) == [second, first]
    # drag the squat into the bench block: a superset of two, the empty block goes
    prescriptions.prescription_reorder(block=second, by=owner, order=[bench.pk, squat.pk])
    assert list(second.prescriptions.order_by("position")) == [bench, squat]
    assert list(day.blocks.values_list("position", flat=True)) == [1]


def test_removing_a_day_closes_the_gap(week, owner):
    structure.day_add(week=week, by=owner, name="Upper B")
    structure.day_remove(day=week.days.get(name="Upper A"), by=owner)
    assert list(week.days.order_by("position").values_list("position", "name")) == [
        (1, "Lower A"),
        (2, "Upper B"),
    ]


def test_duplicating_a_day_puts_a_deep_copy_right_after_it(week, owner, back_squat):
    day = week.days.get(name="Upper A")
    prescriptions.prescription_add(by=owner, exercise_ref=squat_ref(back_squat), day=day, sets=5)
    twin = structure.day_duplicate(day=day, by=owner)
    assert names(week) == ["Upper A", "Upper A (copy)", "Lower A"]
    assert twin.blocks.get().prescriptions.get().sets == 5
    assert Prescription.objects.filter(catalog_exercise=back_squat).count() == 2


def test_duplicating_a_week_appends_it_and_stretches_the_length(program, week, owner):
    program.length_weeks = 1
    program.save()
    copy = structure.week_duplicate(week=week, by=owner)
    program.refresh_from_db()
    assert copy.number == 2 and program.length_weeks == 2
    assert names(copy) == names(week)


def test_removing_a_week_renumbers_the_others(program, week, owner):
    second = structure.week_add(program=program, by=owner)
    third = structure.week_add(program=program, by=owner)
    structure.week_remove(week=second, by=owner)
    third.refresh_from_db()
    assert third.number == 2
    with pytest.raises(ValidationError):
        structure.week_remove(week=ProgramWeek.objects.get(pk=week.pk), by=owner)
        structure.week_remove(week=third, by=owner)


def test_cloning_copies_every_level_and_shares_nothing(simple_program, owner, tenant):
    twin = structure.program_clone(program=simple_program, by=owner, name="Copy")
    assert twin.source == simple_program and twin.is_template
    assert ProgramDay.objects.filter(week__program=twin).count() == 2
    original = Prescription.objects.filter(block__day__week__program=simple_program)
    copied = Prescription.objects.filter(block__day__week__program=twin)
    assert copied.count() == original.count() == 2
    assert not set(copied.values_list("pk", flat=True)) & set(original.values_list("pk", flat=True))
    copied.update(sets=9)
    assert set(original.values_list("sets", flat=True)) == {3}


def test_a_clients_program_saves_back_as_a_template(simple_program, owner, client_record, tenant):
    mine = structure.program_clone(program=simple_program, by=owner, client=client_record)
    template = structure.program_save_as_template(program=mine, by=owner, name="From Cleo")
    assert template.is_template and template.client_id is None and template.name == "From Cleo"
    with pytest.raises(ValidationError):
        structure.program_save_as_template(program=template, by=owner)


# --- progression -------------------------------------------------------------------


def rx(**fields) -> Prescription:
    defaults = {"sets": 3, "reps_min": 5, "load_kind": "kg", "load_value": Decimal("100")}
    return Prescription(**(defaults | fields))


def test_add_load_adds_a_step_each_week():
    p = rx(progression={"kind": "add_load", "step": 2.5})
    loads = [
        progression.prescription_for_week(p, w, written_weeks=1).load_value for w in (1, 2, 3, 4)
    ]
    assert loads == [Decimal("100.00"), Decimal("102.50"), Decimal("105.00"), Decimal("107.50")]


def test_written_weeks_cycle_before_progressing():
    p = rx(progression={"kind": "add_load", "step": 5})
    assert progression.prescription_for_week(p, 4, written_weeks=4).load_value == Decimal("100.00")
    assert progression.prescription_for_week(p, 5, written_weeks=4).load_value == Decimal("105.00")


def test_add_reps_climbs_to_the_max_then_resets_and_adds_load():
    p = rx(
        reps_min=8,
        reps_max=10,
        progression={"kind": "add_reps", "step": 1, "max": 12, "load_step": 5},
    )
    targets = [progression.prescription_for_week(p, w, written_weeks=1) for w in range(1, 6)]
    assert [t.reps_text for t in targets] == [
        "8\u201310",
        "9\u201311",
        "10\u201312",
        "8\u201310",
        "9\u201311",
    ]
    assert [t.load_value for t in targets][2:4] == [Decimal("100.00"), Decimal("105.00")]


def test_a_percent_wave_cycles_through_its_percents():
    p = rx(
        load_kind="percent_1rm",
        load_value=Decimal("70"),
        progression={"kind": "wave", "percents": [70, 75, 80]},
    )
    loads = [
        progression.prescription_for_week(p, w, written_weeks=1).load_value for w in range(1, 5)
    ]
    assert loads == [Decimal("70.00"), Decimal("75.00"), Decimal("80.00"), Decimal("70.00")]


def test_a_deload_week_lightens_the_load():
    p = rx(progression={"kind": "add_load", "step": 10, "deload_every": 4, "deload_percent": 50})
    target = progression.prescription_for_week(p, 4, written_weeks=1)
    assert target.is_deload and target.load_value == Decimal("65.00")


def test_percent_wave_on_percent_loads_starts_from_the_first_percent(week, owner, back_squat):
    p = prescriptions.prescription_add(
        by=owner,
        exercise_ref=squat_ref(back_squat),
        day=week.days.first(),
        **typed(
            {
                "load_kind": "percent_1rm",
                "load_value": "65",
                "progression": {"kind": "wave", "percents": "72, 77, 82"},
            }
        ),
    )
    assert p.load_value == Decimal("72.00")
    assert progression.prescription_for_week(p, 2).load_value == Decimal("77.00")


loads = st.decimals(min_value=0, max_value=1000, places=2)
rules = st.one_of(
    st.just({}),
    st.builds(lambda s: {"kind": "add_load", "step": s}, st.floats(-50, 50, allow_nan=False)),
    st.builds(
        lambda s, m, ls: {"kind": "add_reps", "step": s, "max": m, "load_step": ls},
        st.integers(1, 20),
        st.integers(12, 100),
        st.floats(0, 50, allow_nan=False),
    ),
    st.builds(
        lambda p: {"kind": "wave", "percents": p},
        st.lists(st.floats(1, 110, allow_nan=False), min_size=2, max_size=12),
    ),
)
deloads = st.one_of(
    st.just({}),
    st.builds(
        lambda n, p: {"deload_every": n, "deload_percent": p},
        st.integers(2, 52),
        st.floats(30, 100, allow_nan=False),
    ),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    load=loads,
    kind=st.sampled_from(["kg", "percent_1rm"]),
    rule=rules,
    deload=deloads,
    reps=st.integers(1, 12),
    week=st.integers(1, 52),
    written=st.integers(1, 12),
)
def test_loads_never_go_negative_and_week_one_is_what_was_written(
    load, kind, rule, deload, reps, week, written
):
    if kind == "percent_1rm":
        load = min(max(load, Decimal("1")), Decimal("110"))
    p = rx(
        load_kind=kind, load_value=load, reps_min=reps, progression=rule | deload if rule else {}
    )
    first = progression.prescription_for_week(p, 1, written_weeks=written)
    assert (first.load_value, first.reps_min, first.sets) == (load, reps, 3)
    target = progression.prescription_for_week(p, week, written_weeks=written)
    assert Decimal("0") <= target.load_value <= Decimal("1000")
    assert 1 <= target.reps_min <= 100


@settings(max_examples=100)
@given(rule=rules, deload=deloads)
def test_every_rule_the_property_uses_is_one_the_builder_accepts(rule, deload):
    if not rule:
        return
    clean = progression.progression_clean(rule | deload, load_kind="kg", reps_min=5, reps_max=None)
    assert clean["kind"] == rule["kind"]

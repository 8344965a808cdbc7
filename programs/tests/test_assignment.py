"""Assignment: the client's own copy, dated workouts, shift, pause, resume, cancel, and
one active main program per client."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from programs.forms_assignment import ShiftForm
from programs.models import Prescription, ProgramAssignment, ScheduledWorkout
from programs.selectors.assignment import training_summary
from programs.services import assignment as a
from programs.services import prescriptions
from programs.services import program_structure as structure

MONDAY = datetime.date(2030, 1, 7)  # a Monday, safely in the future


@pytest.fixture(autouse=True)
def _in_acme(tenant):
    """Every test here runs inside acme's schema."""


@pytest.fixture
def four_day(simple_program, owner, tenant):
    """simple_program with four days a week (squat, bench, squat B, bench B)."""
    week = simple_program.weeks.get()
    for day in list(week.days.all()):
        structure.day_duplicate(day=day, by=owner)
    return simple_program


def assign(program, clients, owner, **kw):
    defaults = {"start_date": MONDAY, "weekdays": [0, 2, 4], "by": owner}
    return a.assignment_create(program=program, clients=clients, **(defaults | kw))


def test_assigning_makes_a_copy_and_a_workout_for_every_session(four_day, owner, client_record):
    [assignment] = assign(four_day, [client_record], owner, weekdays=[0, 1, 3, 4])
    copy = assignment.program
    assert copy.pk != four_day.pk and copy.client == client_record and copy.source == four_day
    workouts = list(assignment.workouts.order_by("date"))
    assert len(workouts) == 16  # 4 days x 4 weeks
    assert {w.date.weekday() for w in workouts} == {0, 1, 3, 4}
    assert workouts[0].date == MONDAY
    assert all(w.day.week.program_id == copy.pk for w in workouts)
    order = [(w.week_number, w.day.position) for w in workouts]
    assert order == sorted(order)


def test_fewer_training_days_stretch_the_program_without_skipping(four_day, owner, client_record):
    [assignment] = assign(four_day, [client_record], owner, weekdays=[5])
    dates = list(assignment.workouts.order_by("date").values_list("date", flat=True))
    assert len(dates) == 16 and all(d.weekday() == 5 for d in dates)
    assert dates[1] - dates[0] == datetime.timedelta(days=7)


def test_editing_the_template_never_touches_the_assigned_copy(
    simple_program, owner, client_record, tenant
):
    [assignment] = assign(simple_program, [client_record], owner)
    template_rx = Prescription.objects.filter(block__day__week__program=simple_program).first()
    prescriptions.prescription_update(prescription=template_rx, by=owner, sets=8)
    structure.day_update(day=template_rx.block.day, by=owner, name="Renamed")
    copied = Prescription.objects.filter(block__day__week__program=assignment.program)
    assert set(copied.values_list("sets", flat=True)) == {3}
    assert "Renamed" not in assignment.program.weeks.get().days.values_list("name", flat=True)


def test_one_client_follows_one_active_main_program(simple_program, owner, client_record):
    assign(simple_program, [client_record], owner)
    with pytest.raises(ValidationError) as exc:
        assign(simple_program, [client_record], owner)
    assert "already follows Test strength" in exc.value.message_dict["clients"][0]
    extra = assign(simple_program, [client_record], owner, is_main=False)
    assert extra[0].is_main is False


def test_bulk_assignment_is_all_or_nothing(simple_program, owner, client_record, stranger_record):
    assign(simple_program, [client_record], owner)
    with pytest.raises(ValidationError):
        assign(simple_program, [stranger_record, client_record], owner)
    assert not ProgramAssignment.objects.filter(client=stranger_record).exists()
    made = assign(simple_program, [stranger_record], owner)
    assert len(made) == 1


def test_bad_inputs_are_reported_by_field(simple_program, owner, client_record):
    with pytest.raises(ValidationError) as exc:
        a.assignment_create(
            program=simple_program, clients=[], start_date=None, weekdays=[9], by=owner
        )
    assert set(exc.value.message_dict) >= {"clients", "start_date", "weekdays"}


def test_shifting_moves_only_upcoming_workouts(simple_program, owner, client_record):
    [assignment] = assign(simple_program, [client_record], owner)
    today = MONDAY + datetime.timedelta(days=7)
    before = dict(assignment.workouts.values_list("pk", "date"))
    moved = a.assignment_shift(assignment=assignment, days=3, by=owner, today=today)
    after = dict(assignment.workouts.values_list("pk", "date"))
    assert moved == sum(1 for d in before.values() if d >= today)
    for pk, date in before.items():
        expected = date + datetime.timedelta(days=3) if date >= today else date
        assert after[pk] == expected


def test_shifting_into_the_past_is_refused(simple_program, owner, client_record):
    [assignment] = assign(simple_program, [client_record], owner)
    with pytest.raises(ValidationError) as exc:
        a.assignment_shift(assignment=assignment, days=-10, by=owner, today=MONDAY)
    assert "days" in exc.value.message_dict
    # a number of days that is no number is refused where it is typed, before the service
    typed = ShiftForm({"days": "soon"})
    assert not typed.is_valid() and "days" in typed.errors


def test_pausing_hides_workouts_and_resuming_lays_them_out_again(
    simple_program, owner, client_record, client_user
):
    [assignment] = assign(simple_program, [client_record], owner)
    a.assignment_pause(assignment=assignment, by=owner)
    from programs.selectors.assignment import scheduled_workouts_for

    assert not scheduled_workouts_for(user=client_user).exists()
    resume_on = MONDAY + datetime.timedelta(days=30)  # a Wednesday
    a.assignment_resume(assignment=assignment, by=owner, start=resume_on, today=MONDAY)
    dates = list(assignment.workouts.order_by("date").values_list("date", flat=True))
    assert len(dates) == 8
    assert dates[0] == resume_on and all(d.weekday() in (0, 2, 4) for d in dates)
    assert scheduled_workouts_for(user=client_user).count() == 8


def test_a_paused_main_cannot_resume_over_another_main(simple_program, owner, client_record):
    [first] = assign(simple_program, [client_record], owner)
    a.assignment_pause(assignment=first, by=owner)
    assign(simple_program, [client_record], owner)
    with pytest.raises(ValidationError) as exc:
        a.assignment_resume(assignment=first, by=owner, today=MONDAY)
    assert "already follows" in exc.value.message_dict["status"][0]


def test_cancelling_removes_upcoming_workouts_and_keeps_the_past(
    simple_program, owner, client_record
):
    [assignment] = assign(simple_program, [client_record], owner)
    first = assignment.workouts.order_by("date").first()
    ScheduledWorkout.objects.filter(pk=first.pk).update(status="done")
    a.assignment_cancel(assignment=assignment, by=owner, today=MONDAY + datetime.timedelta(1))
    assert list(assignment.workouts.values_list("pk", flat=True)) == [first.pk]
    assignment.refresh_from_db()
    assert assignment.status == "cancelled"
    assign(simple_program, [client_record], owner)  # the main slot is free again


def test_the_panel_counts_compliance_up_to_yesterday(simple_program, owner, client_record):
    [assignment] = assign(simple_program, [client_record], owner)
    workouts = list(assignment.workouts.order_by("date"))
    ScheduledWorkout.objects.filter(pk=workouts[0].pk).update(status="done")
    summary = training_summary(client=client_record, today=workouts[2].date)
    assert (summary["due"], summary["done"], summary["compliance"]) == (2, 1, 50)
    assert summary["main"] == assignment
    assert summary["upcoming"][0] == workouts[2]


def test_paused_at_is_recorded(simple_program, owner, client_record):
    [assignment] = assign(simple_program, [client_record], owner)
    paused = a.assignment_pause(assignment=assignment, by=owner)
    assert paused.status == "paused" and paused.paused_at <= timezone.now()
    with pytest.raises(ValidationError):
        a.assignment_pause(assignment=assignment, by=owner)

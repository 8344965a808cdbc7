"""Moving exercises and blocks to other workouts of a program: the services (positions
renumbered on both sides, one program only), the API's ``move/`` actions, and the
builder's "Move to" form that works without JavaScript; with the role matrix."""

import json

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from programs.models import Block, Prescription, ProgramDay
from programs.services import prescriptions
from programs.services import program_structure as structure


def post(browser, url, data):
    return browser.post(url, json.dumps(data), content_type="application/json")


def positions(block) -> list[tuple[int, str]]:
    return list(
        block.prescriptions.order_by("position").values_list("position", "catalog_exercise__name")
    )


@pytest.fixture
def two_days(tenant, owner, back_squat, bench_press):
    """Upper A: a superset of squat + bench, then bench; Lower A: squat."""
    program = structure.program_create(by=owner, name="Move me", days=["Upper A", "Lower A"])
    upper, lower = program.weeks.get().days.order_by("position")
    squat, bench = f"catalog:{back_squat.pk}", f"catalog:{bench_press.pk}"
    first = prescriptions.prescription_add(by=owner, exercise_ref=squat, day=upper)
    prescriptions.prescription_add(by=owner, exercise_ref=bench, block=first.block)
    prescriptions.prescription_add(by=owner, exercise_ref=bench, day=upper)
    prescriptions.prescription_add(by=owner, exercise_ref=squat, day=lower)
    return program, upper, lower


def blocks(day) -> list[Block]:
    return list(day.blocks.order_by("position"))


# --- services ------------------------------------------------------------------------


def test_an_exercise_moves_into_a_block_of_another_workout_at_a_place(two_days, owner):
    program, upper, lower = two_days
    superset = blocks(upper)[0]
    bench = superset.prescriptions.get(position=2)
    target = blocks(lower)[0]
    prescriptions.prescription_move(prescription=bench, by=owner, block=target, position=1)
    assert positions(target) == [(1, "Test Bench Press"), (2, "Test Back Squat")]
    assert positions(superset) == [(1, "Test Back Squat")]


def test_an_emptied_block_goes_and_its_workout_closes_the_gap(two_days, owner):
    program, upper, lower = two_days
    first, second = blocks(upper)
    lone = second.prescriptions.get()
    prescriptions.prescription_move(prescription=lone, by=owner, block=blocks(lower)[0])
    assert not Block.objects.filter(pk=second.pk).exists()
    assert list(upper.blocks.values_list("position", flat=True)) == [1]


def test_a_workout_emptied_from_the_front_closes_the_gap(two_days, owner):
    program, upper, lower = two_days
    structure.block_move(block=blocks(upper)[0], by=owner, day=lower)
    assert [bl.position for bl in blocks(upper)] == [1]
    assert [bl.position for bl in blocks(lower)] == [1, 2]


def test_an_exercise_moved_to_a_workout_gets_a_new_block_at_its_end(two_days, owner):
    program, upper, lower = two_days
    squat = blocks(upper)[0].prescriptions.get(position=1)
    moved = prescriptions.prescription_move(prescription=squat, by=owner, day=lower)
    last = blocks(lower)[-1]
    assert moved.block == last and last.position == 2 and last.kind == "straight"
    assert positions(blocks(upper)[0]) == [(1, "Test Bench Press")]


def test_a_block_moves_to_another_workout_and_both_are_renumbered(two_days, owner):
    program, upper, lower = two_days
    superset = blocks(upper)[0]
    structure.block_move(block=superset, by=owner, day=lower, position=1)
    assert blocks(lower)[0] == superset
    assert [bl.position for bl in blocks(lower)] == [1, 2]
    assert [bl.position for bl in blocks(upper)] == [1]
    assert superset.prescriptions.count() == 2  # its exercises came along


def test_moving_inside_one_block_reorders_it(two_days, owner):
    program, upper, lower = two_days
    superset = blocks(upper)[0]
    bench = superset.prescriptions.get(position=2)
    prescriptions.prescription_move(prescription=bench, by=owner, block=superset, position=1)
    assert positions(superset) == [(1, "Test Bench Press"), (2, "Test Back Squat")]


def test_a_move_into_another_program_is_refused_and_nothing_changes(
    two_days, owner, simple_program
):
    program, upper, lower = two_days
    elsewhere = Block.objects.filter(day__week__program=simple_program).first()
    squat = blocks(lower)[0].prescriptions.get()
    with pytest.raises(ValidationError) as exc:
        prescriptions.prescription_move(prescription=squat, by=owner, block=elsewhere)
    assert "block" in exc.value.message_dict
    with pytest.raises(ValidationError):
        structure.block_move(block=blocks(lower)[0], by=owner, day=elsewhere.day)
    squat.refresh_from_db()
    assert squat.block.day == lower and elsewhere.prescriptions.count() == 1


def test_a_place_out_of_range_is_refused_and_the_new_block_rolls_back(two_days, owner):
    program, upper, lower = two_days
    squat = blocks(upper)[0].prescriptions.get(position=1)
    with pytest.raises(ValidationError) as exc:
        prescriptions.prescription_move(
            prescription=squat, by=owner, block=blocks(lower)[0], position=9
        )
    assert "position" in exc.value.message_dict
    before = lower.blocks.count()
    with pytest.raises(ValidationError):
        prescriptions.prescription_move(prescription=squat, by=owner, day=lower, position=0)
    assert lower.blocks.count() == before


def test_a_full_block_takes_no_more_exercises(two_days, owner, back_squat):
    program, upper, lower = two_days
    target = blocks(lower)[0]
    for _ in range(prescriptions.MAX_PRESCRIPTIONS_PER_BLOCK - 1):
        prescriptions.prescription_add(
            by=owner, exercise_ref=f"catalog:{back_squat.pk}", block=target
        )
    with pytest.raises(ValidationError):
        prescriptions.prescription_move(
            prescription=blocks(upper)[0].prescriptions.first(), by=owner, block=target
        )


@pytest.mark.parametrize("moves", [[(0, 1, 1), (1, 0, None), (2, 1, 2), (0, 0, 1)]])
def test_positions_stay_one_to_n_after_any_moves(two_days, owner, moves):
    program, upper, lower = two_days
    for source, day_index, position in moves:
        rx = Prescription.objects.filter(block__day__week__program=program).order_by("pk")[source]
        day = (upper, lower)[day_index]
        target = blocks(day)[0]
        prescriptions.prescription_move(prescription=rx, by=owner, block=target, position=position)
    for day in (upper, lower):
        assert [bl.position for bl in blocks(day)] == list(range(1, day.blocks.count() + 1))
        for bl in blocks(day):
            got = list(bl.prescriptions.order_by("position").values_list("position", flat=True))
            assert got == list(range(1, len(got) + 1))


# --- API -------------------------------------------------------------------------------


@pytest.fixture
def cleo_program(business, simple_program, owner, client_record):
    with tenant_context(business):
        return structure.program_clone(program=simple_program, by=owner, client=client_record)


def parts(business, program):
    with tenant_context(business):
        days = list(ProgramDay.objects.filter(week__program=program).order_by("position"))
        rx = Prescription.objects.filter(block__day=days[0]).get()
        return days, rx


def test_a_coach_moves_an_exercise_to_another_workout_through_the_api(
    coach_browser, business, cleo_program
):
    (squat_day, bench_day), rx = parts(business, cleo_program)
    response = post(coach_browser, f"/api/v1/prescriptions/{rx.pk}/move/", {"day": bench_day.pk})
    assert response.status_code == 200, response.content
    with tenant_context(business):
        assert Prescription.objects.get(pk=rx.pk).block.day == bench_day
        assert not Block.objects.filter(day=squat_day).exists()


def test_a_block_moves_through_the_api_at_a_place(owner_client, business, simple_program):
    (squat_day, bench_day), rx = parts(business, simple_program)
    response = post(
        owner_client,
        f"/api/v1/program-blocks/{rx.block_id}/move/",
        {"to": f"day:{bench_day.pk}", "position": 1},
    )
    assert response.status_code == 200, response.content
    with tenant_context(business):
        assert blocks(bench_day)[0].pk == rx.block_id
        assert [bl.position for bl in blocks(bench_day)] == [1, 2]


def test_a_target_in_another_program_is_a_404(owner_client, business, simple_program, cleo_program):
    (_, other_day), _rx = parts(business, cleo_program)
    _days, rx = parts(business, simple_program)
    with tenant_context(business):
        other_block = Block.objects.filter(day=other_day).get()
    url = f"/api/v1/prescriptions/{rx.pk}/move/"
    assert post(owner_client, url, {"block": other_block.pk}).status_code == 404
    assert post(owner_client, url, {"day": other_day.pk}).status_code == 404
    block_url = f"/api/v1/program-blocks/{rx.block_id}/move/"
    assert post(owner_client, block_url, {"day": other_day.pk}).status_code == 404


def test_a_target_of_another_business_is_a_404(
    owner_client, business, other_business, simple_program, owner
):
    _days, rx = parts(business, simple_program)
    with tenant_context(other_business):
        zen = structure.program_create(by=None, name="Zen", days=["A", "B", "C"])
        zen_days = list(ProgramDay.objects.filter(week__program=zen).values_list("pk", flat=True))
    for day_id in zen_days:  # ids repeat across schemas: none of them is found here
        response = post(owner_client, f"/api/v1/prescriptions/{rx.pk}/move/", {"day": day_id})
        assert response.status_code == 404
    with tenant_context(business):
        assert Prescription.objects.get(pk=rx.pk).block_id == rx.block_id


def test_a_coach_cannot_move_parts_of_another_coachs_client_program(
    other_coach_browser, business, cleo_program
):
    (_, bench_day), rx = parts(business, cleo_program)
    url = f"/api/v1/prescriptions/{rx.pk}/move/"
    assert post(other_coach_browser, url, {"day": bench_day.pk}).status_code == 404


def test_clients_anonymous_and_other_businesses_cannot_move(
    client_browser, zen_client_browser, tenant_client, business, cleo_program
):
    (_, bench_day), rx = parts(business, cleo_program)
    url = f"/api/v1/prescriptions/{rx.pk}/move/"
    assert post(client_browser, url, {"day": bench_day.pk}).status_code == 403
    assert post(tenant_client, url, {"day": bench_day.pk}).status_code in (401, 403)
    assert post(zen_client_browser, url, {"day": bench_day.pk}).status_code in (401, 403)


def test_a_move_without_a_target_or_with_a_bad_place_is_a_400(
    owner_client, business, simple_program
):
    (_, bench_day), rx = parts(business, simple_program)
    url = f"/api/v1/prescriptions/{rx.pk}/move/"
    assert "to" in post(owner_client, url, {}).json()
    bad = post(owner_client, url, {"day": bench_day.pk, "position": 40})
    assert bad.status_code == 400 and "position" in bad.json()
    typo = post(owner_client, url, {"day": bench_day.pk, "position": "x"})
    assert typo.status_code == 400 and "position" in typo.json()


# --- the builder's "Move to" form (no JavaScript) ---------------------------------------


def move_url(program) -> str:
    return f"/admin/programs/program/{program.pk}/builder/move/"


def test_the_builder_offers_every_other_workout_to_move_to(owner_client, business, simple_program):
    (squat_day, bench_day), rx = parts(business, simple_program)
    page = owner_client.get(f"/admin/programs/program/{simple_program.pk}/builder/")
    html = page.content.decode()
    assert f'value="day:{bench_day.pk}"' in html and f'id="mv-rx-{rx.pk}"' in html
    assert f'id="mv-block-{rx.block_id}"' in html
    assert f'action="{move_url(simple_program)}#rx-{rx.pk}"' in html


def test_the_move_form_moves_and_goes_back_to_the_builder(owner_client, business, simple_program):
    (squat_day, bench_day), rx = parts(business, simple_program)
    response = owner_client.post(
        move_url(simple_program), {"prescription": rx.pk, "to": f"day:{bench_day.pk}"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/builder/#rx-{rx.pk}")
    with tenant_context(business):
        assert Prescription.objects.get(pk=rx.pk).block.day == bench_day
    page = owner_client.get(response["Location"]).content.decode()
    assert "Moved Test Back Squat to Bench day (week 1)." in page


def test_the_move_form_moves_a_block(owner_client, business, simple_program):
    (squat_day, bench_day), rx = parts(business, simple_program)
    response = owner_client.post(
        move_url(simple_program), {"block": rx.block_id, "to": f"day:{bench_day.pk}"}
    )
    assert response.status_code == 302
    with tenant_context(business):
        assert Block.objects.get(pk=rx.block_id).day == bench_day
        assert not squat_day.blocks.exists()


def test_the_move_form_without_a_choice_is_a_400_with_a_message(
    owner_client, business, simple_program
):
    _days, rx = parts(business, simple_program)
    response = owner_client.post(move_url(simple_program), {"prescription": rx.pk, "to": ""})
    assert response.status_code == 400
    assert "Choose where it goes." in response.content.decode()


def test_the_move_form_refuses_other_programs_and_other_coaches(
    owner_client, other_coach_browser, business, simple_program, cleo_program
):
    (_, other_day), _rx = parts(business, cleo_program)
    (_, bench_day), rx = parts(business, simple_program)
    into_other = {"prescription": rx.pk, "to": f"day:{other_day.pk}"}
    assert owner_client.post(move_url(simple_program), into_other).status_code == 404
    (_, cleo_bench), cleo_rx = parts(business, cleo_program)
    theirs = {"prescription": cleo_rx.pk, "to": f"day:{cleo_bench.pk}"}
    assert other_coach_browser.post(move_url(cleo_program), theirs).status_code == 404
    # a part of one program posted to another program's move url
    assert owner_client.post(move_url(cleo_program), into_other | {"to": ""}).status_code == 404


def test_the_move_form_is_for_staff_of_this_business_only(
    client_browser, zen_client_browser, tenant_client, business, cleo_program
):
    (_, bench_day), rx = parts(business, cleo_program)
    data = {"prescription": rx.pk, "to": f"day:{bench_day.pk}"}
    # a client of this business is told the back office is for staff; the others
    # (signed in elsewhere, or not at all) are sent to sign in
    assert client_browser.post(move_url(cleo_program), data).status_code == 403
    for browser in (zen_client_browser, tenant_client):
        response = browser.post(move_url(cleo_program), data)
        assert response.status_code == 302 and "/login/" in response["Location"]
    with tenant_context(business):
        assert Prescription.objects.get(pk=rx.pk).block_id == rx.block_id
    assert client_browser.get(move_url(cleo_program)).status_code == 403


def test_the_move_url_only_takes_posts(owner_client, simple_program):
    assert owner_client.get(move_url(simple_program)).status_code == 405


def test_nonsense_ids_are_not_found_never_a_500(owner_client, business, simple_program):
    (_, bench_day), rx = parts(business, simple_program)
    huge = "9" * 30
    url = move_url(simple_program)
    assert (
        owner_client.post(url, {"prescription": huge, "to": f"day:{bench_day.pk}"}).status_code
        == 404
    )
    assert owner_client.post(url, {"prescription": rx.pk, "to": f"day:{huge}"}).status_code == 404
    assert owner_client.post(url, {"prescription": rx.pk, "to": "week:1"}).status_code == 404
    api = f"/api/v1/prescriptions/{rx.pk}/move/"
    assert post(owner_client, api, {"block": huge}).status_code == 404

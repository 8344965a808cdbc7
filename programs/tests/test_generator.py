"""The program generator: its rules over many intakes (hypothesis, on an in-memory
library), the draft it writes, intake from a client's answers, the API and the page."""

import itertools

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs.services import generator as gen
from programs.services import generator_planner as planner
from programs.services import generator_rules as tables

from .conftest import catalog_exercise

PATTERN_MUSCLES = {
    "squat": (("quadriceps",), ("glutes", "hamstrings")),
    "hinge": (("hamstrings", "glutes"), ("lower back",)),
    "lunge": (("quadriceps", "glutes"), ("hamstrings",)),
    "horizontal_push": (("chest",), ("triceps", "shoulders")),
    "vertical_push": (("shoulders",), ("triceps",)),
    "horizontal_pull": (("middle back", "lats"), ("biceps",)),
    "vertical_pull": (("lats",), ("biceps",)),
    "core": (("abdominals",), ()),
    "rotation": (("abdominals",), ()),
    "carry": (("forearms",), ("traps",)),
}
ISOLATION_MUSCLES = [
    "biceps",
    "triceps",
    "shoulders",
    "chest",
    "hamstrings",
    "quadriceps",
    "calves",
    "glutes",
    "middle back",
]
KIT = ["body only", "dumbbell", "barbell", "kettlebells", "cable", "machine", "bands", "other"]
LEVELS = ["beginner", "intermediate", "expert"]
# names that the injury rules look for, so the library has something to avoid
TRAPS = [
    ("Jump Squat", "plyometric", "squat", "body only"),
    ("Overhead Press", "strength", "vertical_push", "barbell"),
    ("Crunch", "core", "core", "body only"),
    ("Sit-Up", "core", "core", "body only"),
    ("Barbell Upright Row", "strength", "vertical_pull", "barbell"),
    ("Pistol Squat", "strength", "squat", "body only"),
    ("Good Morning", "strength", "hinge", "barbell"),
    ("Power Clean", "olympic", "hinge", "barbell"),
    ("Parallel Bar Dip", "strength", "vertical_push", "body only"),
    ("Skull Crusher", "strength", "isolation", "e-z curl bar"),
    ("Barbell Shrug", "strength", "isolation", "barbell"),
]


def _library() -> list[tables.Candidate]:
    out, n = [], itertools.count(1)
    for pattern, (primary, secondary) in PATTERN_MUSCLES.items():
        for kit in KIT:
            for level in LEVELS:
                i = next(n)
                out.append(
                    tables.Candidate(
                        ref=("catalog", i),
                        name=f"{kit.title()} {pattern.replace('_', ' ')} {level}",
                        slug=f"{pattern}-{kit}-{level}".replace(" ", "-"),
                        category="core" if pattern in ("core", "rotation") else "strength",
                        pattern=pattern,
                        primary=primary,
                        secondary=secondary,
                        equipment=(kit,),
                        mechanics="compound",
                        level=level,
                    )
                )
    for muscle in ISOLATION_MUSCLES:
        for kit in KIT:
            for level in LEVELS:
                i = next(n)
                out.append(
                    tables.Candidate(
                        ref=("catalog", i),
                        name=f"{kit.title()} {muscle} isolation {level}",
                        slug=f"iso-{muscle}-{kit}-{level}".replace(" ", "-"),
                        category="strength",
                        pattern="isolation",
                        primary=(muscle,),
                        secondary=(),
                        equipment=(kit,),
                        mechanics="isolation",
                        level=level,
                    )
                )
    for name, category, pattern, kit in TRAPS:
        i = next(n)
        primary, secondary = PATTERN_MUSCLES.get(pattern, (("triceps",), ()))
        out.append(
            tables.Candidate(
                ref=("catalog", i),
                name=name,
                slug=name.lower().replace(" ", "-"),
                category=category,
                pattern=pattern,
                primary=primary,
                secondary=secondary,
                equipment=(kit,),
                mechanics="isolation" if pattern == "isolation" else "compound",
                level="beginner",
            )
        )
    # two-piece kit: needs both
    out.append(
        tables.Candidate(
            ref=("catalog", next(n)),
            name="Cable and bands row",
            slug="cable-bands-row",
            category="strength",
            pattern="horizontal_pull",
            primary=("middle back",),
            secondary=(),
            equipment=("cable", "bands"),
            mechanics="compound",
            level="beginner",
        )
    )
    return out


LIBRARY = _library()

intakes = st.builds(
    planner.Intake,
    goal=st.sampled_from(tables.GOALS),
    level=st.sampled_from(tables.LEVELS),
    days_per_week=st.integers(1, 7),
    minutes=st.integers(20, 180),
    equipment=st.frozensets(st.sampled_from(KIT), max_size=len(KIT)).map(
        lambda kit: kit | {"body only"}
    ),
    injuries=st.sampled_from(
        [
            "",
            "bad left knee",
            "shoulder impingement",
            "lower back pain (disc)",
            "ACL repair and a sore lower back",
            "tennis elbow, wrist",
            "achilles",
            "neck and hip",
            "asthma",
        ]
    ),
)

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(intake=intakes)
def test_exercises_never_need_equipment_the_client_does_not_have(intake):
    plan = planner.plan_build(intake=intake, library=LIBRARY)
    for day in plan.days:
        for e in day.exercises:
            assert e.candidate.needs <= intake.equipment | {"body only"}


@FAST
@given(intake=intakes)
def test_contraindicated_exercises_are_never_chosen(intake):
    rules, _unknown = tables.injuries_parse(intake.injuries)
    plan = planner.plan_build(intake=intake, library=LIBRARY)
    for day in plan.days:
        for e in day.exercises:
            assert not any(rule.blocks(e.candidate) for rule in rules), (e.candidate.name, rules)


@FAST
@given(intake=intakes)
def test_weekly_sets_per_muscle_never_exceed_the_levels_maximum(intake):
    plan = planner.plan_build(intake=intake, library=LIBRARY)
    high = tables.VOLUME_BOUNDS[intake.level][1]
    volume = planner.weekly_volume(plan.days)
    assert all(sets <= high for sets in volume.values()), volume
    assert volume == pytest.approx(plan.weekly_sets)


@FAST
@given(intake=intakes)
def test_every_session_fits_the_minutes_the_client_has(intake):
    plan = planner.plan_build(intake=intake, library=LIBRARY)
    for day in plan.days:
        assert day.minutes(warmup=plan.warmup) <= intake.minutes


@FAST
@given(intake=intakes)
def test_the_same_intake_gives_the_same_program(intake):
    first = planner.plan_build(intake=intake, library=LIBRARY)
    again = planner.plan_build(intake=intake, library=list(reversed(LIBRARY)))

    def shape(plan):
        return [
            (d.name, [(e.candidate.ref, e.sets, e.reps, e.rest) for e in d.exercises])
            for d in plan.days
        ]

    assert shape(first) == shape(again)
    assert first.notes == again.notes


@FAST
@given(intake=intakes)
def test_levels_are_respected_and_every_choice_has_a_reason(intake):
    plan = planner.plan_build(intake=intake, library=LIBRARY)
    rank = tables.CLIENT_LEVEL_RANK[intake.level]
    for day in plan.days:
        for e in day.exercises:
            assert tables.EXERCISE_LEVEL_RANK[e.candidate.level] <= rank
            assert e.candidate.name in e.reason
            assert 1 <= e.sets <= tables.MAX_SETS_PER_EXERCISE


@settings(max_examples=60, deadline=None)
@given(
    goal=st.sampled_from(tables.GOALS),
    level=st.sampled_from(tables.LEVELS),
    days=st.integers(3, 6),
)
def test_with_time_and_a_full_gym_major_muscles_reach_the_levels_minimum(goal, level, days):
    intake = planner.Intake(
        goal=goal, level=level, days_per_week=days, minutes=120, equipment=tables.GYM
    )
    plan = planner.plan_build(intake=intake, library=LIBRARY)
    low = tables.VOLUME_BOUNDS[level][0]
    for muscle in tables.MAJOR_MUSCLES:
        assert plan.weekly_sets.get(muscle, 0) >= low, (muscle, plan.weekly_sets)


@pytest.mark.parametrize(
    ("days", "split", "names"),
    [
        (2, "full body", ["Full body A", "Full body B"]),
        (3, "full body", ["Full body A", "Full body B", "Full body C"]),
        (4, "upper/lower", ["Upper A", "Lower A", "Upper B", "Lower B"]),
        (6, "push/pull/legs", ["Push A", "Pull A", "Legs A", "Push B", "Pull B", "Legs B"]),
    ],
)
def test_the_split_follows_the_days_per_week(days, split, names):
    plan = planner.plan_build(
        intake=planner.Intake(level="advanced", days_per_week=days, minutes=90), library=LIBRARY
    )
    assert plan.split == split
    assert [d.name for d in plan.days] == names


def test_beginners_train_at_most_four_days_and_are_told_why():
    plan = planner.plan_build(
        intake=planner.Intake(level="beginner", days_per_week=6, minutes=60), library=LIBRARY
    )
    assert len(plan.days) == 4
    assert any("beginners" in n["text"] for n in plan.notes)


def test_a_knee_injury_avoids_loaded_squats_and_jumps_and_says_so():
    intake = planner.Intake(days_per_week=4, minutes=90, injuries="Old ACL tear, right knee")
    plan = planner.plan_build(intake=intake, library=LIBRARY)
    chosen = [e.candidate for d in plan.days for e in d.exercises]
    assert not any(c.pattern in ("squat", "lunge") and c.needs != {"body only"} for c in chosen)
    assert not any("Jump" in c.name or "Pistol" in c.name for c in chosen)
    texts = " ".join(n["text"] for n in plan.notes)
    assert "Knee: avoiding loaded deep knee bending" in texts


def test_a_shoulder_injury_leaves_out_overhead_pressing():
    plan = planner.plan_build(
        intake=planner.Intake(days_per_week=4, minutes=90, injuries="shoulder"), library=LIBRARY
    )
    chosen = [e.candidate for d in plan.days for e in d.exercises]
    assert chosen and not any(c.pattern == "vertical_push" for c in chosen)


def test_unrecognised_injuries_are_flagged_for_the_coach():
    plan = planner.plan_build(intake=planner.Intake(injuries="asthma"), library=LIBRARY)
    assert any("did not match a rule" in n["text"] for n in plan.notes)


def test_intake_validation_gives_field_errors():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        gen.intake_build(goal="bulk", days_per_week=9, minutes=5, equipment=["jetpack"])
    assert set(exc.value.message_dict) == {"goal", "days_per_week", "minutes", "equipment"}


def test_the_page_assumes_three_days_an_hour_and_a_full_gym_and_says_so():
    intake, notes = gen.intake_compose(goal="strength", assume_defaults=True)
    assert (intake.goal, intake.days_per_week, intake.minutes) == ("strength", 3, 60)
    assert intake.equipment == tables.GYM
    assert notes == [
        "Minutes per session not given: 60 assumed.",
        "Equipment not given: a full gym assumed.",
    ]


def test_without_defaults_the_days_and_minutes_must_be_given():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        gen.intake_compose(equipment=["dumbbell"])
    assert set(exc.value.message_dict) == {"days_per_week", "minutes"}
    intake, notes = gen.intake_compose(days_per_week=2, minutes=45, equipment=[])
    assert intake.equipment == {"body only"} and notes == []


# --- writing the draft, with the database ---------------------------------------------------


@pytest.fixture
def small_catalog(db):
    rows = []
    for pattern, (primary, secondary) in PATTERN_MUSCLES.items():
        for kit in ("dumbbell", "body only", "barbell"):
            rows.append(
                catalog_exercise(
                    f"Gen {kit} {pattern}",
                    movement_pattern=pattern,
                    primary_muscles=list(primary),
                    secondary_muscles=list(secondary),
                    equipment=[kit],
                    mechanics="compound",
                    level="beginner",
                    category="core" if pattern in ("core", "rotation") else "strength",
                )
            )
    for muscle in ISOLATION_MUSCLES:
        rows.append(
            catalog_exercise(
                f"Gen dumbbell {muscle} isolation",
                movement_pattern="isolation",
                primary_muscles=[muscle],
                equipment=["dumbbell"],
                mechanics="isolation",
                level="beginner",
            )
        )
    return rows


def test_generating_writes_an_editable_draft_with_reasons(
    tenant, small_catalog, coach, client_record
):
    from programs.models import Prescription, Program

    intake = planner.Intake(
        goal="hypertrophy",
        level="intermediate",
        days_per_week=3,
        minutes=60,
        equipment=frozenset({"dumbbell"}),
    )
    result = gen.program_generate(intake=intake, by=coach, client=client_record)
    program = Program.objects.get(pk=result.program.pk)
    assert program.client == client_record and not program.is_template
    assert program.goal == "hypertrophy" and program.level == "intermediate"
    assert program.weeks.count() == 4
    assert program.generator_notes and all("text" in n for n in program.generator_notes)
    prescriptions = Prescription.objects.filter(block__day__week__program=program)
    assert prescriptions.exists()
    kit = {
        e
        for p in prescriptions.select_related("catalog_exercise")
        for e in p.catalog_exercise.equipment
    }
    assert kit <= {"dumbbell", "body only"}
    week1 = prescriptions.filter(block__day__week__number=1)
    deload = prescriptions.filter(block__day__week__number=4)
    assert sum(p.sets for p in deload) < sum(p.sets for p in week1)
    # deterministic across runs on the same library
    again = gen.program_generate(intake=intake, by=coach, client=client_record)
    shape = [
        (p.block.day.name, p.catalog_exercise_id, p.sets)
        for p in Prescription.objects.filter(block__day__week__program=again.program).order_by(
            "block__day__week__number", "block__day__position", "block__position"
        )
    ]
    first = [
        (p.block.day.name, p.catalog_exercise_id, p.sets)
        for p in prescriptions.order_by(
            "block__day__week__number", "block__day__position", "block__position"
        )
    ]
    assert shape == first


def test_hidden_catalog_exercises_are_not_used(tenant, small_catalog, coach):
    from programs.models import ExerciseHide

    for c in small_catalog:
        if "dumbbell" in c.equipment:
            ExerciseHide.objects.create(catalog_exercise=c)
    refs = {c.ref for c in gen.library_candidates()}
    assert not any(("catalog", c.pk) in refs for c in small_catalog if "dumbbell" in c.equipment)


def _goals_answers(client, answers):
    from clients.models import Questionnaire, QuestionnaireVersion, Response

    q = Questionnaire.objects.create(title="Goals and lifestyle")
    v = QuestionnaireVersion.objects.create(
        questionnaire=q, number=1, fields=[], published_at=timezone.now()
    )
    return Response.objects.create(
        version=v, client=client, answers=answers, status="submitted", submitted_at=timezone.now()
    )


def test_the_intake_comes_from_the_clients_latest_goals_answers(tenant, client_record):
    _goals_answers(
        client_record,
        {
            "main_goal": "Get stronger",
            "experience": "Regularly for under a year",
            "days_per_week": 4,
            "equipment": ["Home with equipment"],
            "bone_joint": "yes",
            "details": "Left knee surgery in 2021",
        },
    )
    data, notes = gen.intake_from_answers(client=client_record)
    assert data["goal"] == "strength"
    assert data["level"] == "intermediate"
    assert data["days_per_week"] == 4
    assert "dumbbell" in data["equipment"] and "barbell" not in data["equipment"]
    assert "knee" in data["injuries"].lower()
    assert len(notes) == 5


# --- API and page: roles ------------------------------------------------------------------


def api_post(browser, url, data):
    return browser.post(url, data, content_type="application/json")


def test_a_coach_generates_for_their_client_through_the_api(
    coach_browser, small_catalog, client_record
):
    response = api_post(
        coach_browser,
        "/api/v1/program-generator/",
        {"client": client_record.pk, "days_per_week": 2, "minutes": 45, "equipment": ["dumbbell"]},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["builder_url"] == f"/admin/programs/program/{body['program']}/builder/"
    assert body["reasons"] and body["days"]


def test_the_generator_api_rejects_bad_intakes_with_field_errors(coach_browser, small_catalog):
    response = api_post(
        coach_browser, "/api/v1/program-generator/", {"days_per_week": "zero", "goal": "bulk"}
    )
    assert response.status_code == 400
    assert {"days_per_week", "goal"} <= set(response.json())


def test_a_coach_cannot_generate_for_another_coachs_client(coach_browser, stranger_record):
    response = api_post(coach_browser, "/api/v1/program-generator/", {"client": stranger_record.pk})
    assert response.status_code == 400
    assert "client" in response.json()


@pytest.mark.parametrize("who", ["client_browser", "tenant_client", "zen_client_browser"])
def test_clients_strangers_and_other_businesses_cannot_generate(request, who, small_catalog):
    browser = request.getfixturevalue(who)
    response = api_post(browser, "/api/v1/program-generator/", {"days_per_week": 3})
    assert response.status_code in (401, 403)


def test_the_generator_page_generates_and_links_to_the_builder(owner_client, small_catalog):
    page = owner_client.get("/admin/programs/generator/")
    assert page.status_code == 200
    response = owner_client.post(
        "/admin/programs/generator/",
        {
            "goal": "general",
            "level": "beginner",
            "days_per_week": "3",
            "minutes": "45",
            "equipment": ["dumbbell"],
            "injuries": "knee",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Open in builder" in text and "/builder/" in text
    assert "Knee: avoiding" in text


def test_the_generator_page_shows_form_errors_not_a_500(owner_client):
    response = owner_client.post("/admin/programs/generator/", {"days_per_week": "99"})
    assert response.status_code == 400


@pytest.mark.parametrize("who", ["client_browser", "tenant_client"])
def test_the_generator_page_is_for_staff_only(request, who):
    response = request.getfixturevalue(who).get("/admin/programs/generator/")
    assert response.status_code in (302, 403)

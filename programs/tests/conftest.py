"""Fixtures for training tests: the people of clients/tests/conftest.py (coach, client_record,
client_browser, zen_record, …) plus a few catalog exercises and a tiny program."""

import pytest
from django_tenants.utils import tenant_context

from clients.tests.conftest import *  # noqa: F403  (coach, client_record, browsers, …)
from programs.catalog.models import CatalogExercise


def catalog_exercise(name: str, **fields) -> CatalogExercise:
    """A catalog entry for tests (the public schema; rolled back with the test)."""
    from programs.catalog.models import Category

    slug = name.lower().replace(" ", "-")
    defaults = {
        "name": name,
        "slug": slug,
        "source": CatalogExercise.Source.AUTHORED,
        "category": Category.STRENGTH,
        "search_name": name.lower(),
        "search_text": name.lower(),
    } | fields
    existing = CatalogExercise.objects.filter(search_name=name.lower()).first()
    return existing or CatalogExercise.objects.create(**defaults)


@pytest.fixture
def back_squat(db):
    return catalog_exercise(
        "Test Back Squat",
        movement_pattern="squat",
        primary_muscles=["quadriceps"],
        secondary_muscles=["glutes", "hamstrings"],
        equipment=["barbell"],
        mechanics="compound",
    )


@pytest.fixture
def bench_press(db):
    return catalog_exercise(
        "Test Bench Press",
        movement_pattern="horizontal_push",
        primary_muscles=["chest"],
        secondary_muscles=["triceps", "shoulders"],
        equipment=["barbell"],
        mechanics="compound",
    )


@pytest.fixture
def simple_program(business, owner, back_squat, bench_press):
    """A one-week, two-day template: squat day and bench day, 3 x 5 each."""
    from programs.models import Block, Prescription, Program, ProgramDay, ProgramWeek

    with tenant_context(business):
        program = Program.objects.create(name="Test strength", created_by=owner, length_weeks=4)
        week = ProgramWeek.objects.create(program=program, number=1)
        for position, (name, exercise) in enumerate(
            (("Squat day", back_squat), ("Bench day", bench_press)), start=1
        ):
            day = ProgramDay.objects.create(week=week, position=position, name=name)
            block = Block.objects.create(day=day, position=1)
            Prescription.objects.create(
                block=block,
                position=1,
                catalog_exercise=exercise,
                sets=3,
                reps_min=5,
                load_kind="kg",
                load_value=60,
                progression={"kind": "add_load", "step": 2.5},
            )
        return program

"""Exercise search finds what a person meant: one slip in any word of any catalog name
(authored and free-exercise-db), common names putting the plain lift first, and the
importer folding plural, hyphen and punctuation variants into one entry."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_tenants.utils import tenant_context

from mectofitness.core.fuzzy import misspellings
from programs.catalog.models import CatalogExercise
from programs.catalog.text import normalise
from programs.selectors.library import exercise_search

FEDB = Path(__file__).resolve().parents[3] / "shared" / "data" / "free-exercise-db"
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _imported_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """free-exercise-db imported into the catalog once for the module, inside a
    transaction rolled back after the module's last test; each test runs in a savepoint
    of it (as Django's TestCase.setUpTestData does). The import takes about a second."""
    media = tmp_path_factory.mktemp("media")
    out = StringIO()
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(media)),
        transaction.atomic(),
    ):
        call_command("import_exercises", str(FEDB / "exercises.json"), "--no-images", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def imported(_imported_once, business) -> str:
    """free-exercise-db imported into the catalog; the import's report."""
    with tenant_context(business):
        yield _imported_once


def names(query: str, limit: int = 10) -> list[str]:
    return [row.name for row in exercise_search(query=query, limit=limit).results]


def test_one_slip_in_any_word_finds_the_exercise_in_the_top_3_for_99_percent(imported):
    catalog = {
        normalise(name): pk for pk, name in CatalogExercise.objects.values_list("pk", "name")
    }
    pairs = misspellings(sorted(catalog), seed=10)
    assert len(pairs) > 1000
    top3, empty = 0, []
    for name, query in pairs:
        found = [row.pk for row in exercise_search(query=query, limit=3).results]
        top3 += catalog[name] in found
        if not found:
            empty.append(query)
    assert top3 / len(pairs) >= 0.99
    assert empty == []  # never an empty page when the name is one slip away


@pytest.mark.parametrize(
    "query, meant",
    [
        ("box jupm", "Box Jump"),
        ("iorn cross", "Iron Cross"),
        ("seated calff stretch", "Seated Calf Stretch"),
        ("simth machine squat", "Smith Machine Squat"),
        ("kettlebell fgiure 8", "Kettlebell Figure 8"),
        ("stir the ot", "Stir the Pot"),
    ],
)
def test_misspellings_that_used_to_find_nothing_find_the_exercise_first(imported, query, meant):
    assert names(query)[0] == meant


def test_a_misspelt_word_alone_still_lists_the_names_it_starts(imported):
    found = names("simth")
    assert found and all(name.startswith("Smith") for name in found[:3])


@pytest.mark.parametrize(
    "query, first",
    [
        ("squatt", "Back Squat"),
        ("squat", "Back Squat"),
        ("barbel row", "Barbell Bent-Over Row"),
        ("bench", "Bench Press"),
        ("deadlift", "Deadlift"),
    ],
)
def test_common_names_rank_the_plain_lift_first(imported, query, first):
    found = names(query)
    assert found[0] == first
    assert "Barbell Squat To A Bench" not in found[:3]
    assert found[0] != "Yates Row"


@pytest.mark.parametrize(
    "variant, entry",
    [
        ("Pushups", "Push-Up"),
        ("Seated Cable Rows", "Seated Cable Row"),
        ("Lying Leg Curls", "Lying Leg Curl"),
    ],
)
def test_the_import_merges_plural_hyphen_and_punctuation_variants(imported, variant, entry):
    assert not CatalogExercise.objects.filter(name=variant).exists()
    merged = CatalogExercise.objects.get(name=entry)
    assert variant in merged.aliases
    assert f"{variant} -> {entry}" in imported
    assert names(variant)[0] == entry


def test_the_import_report_says_what_it_merged_and_keeps_spelling_apart(imported):
    assert "merged" in imported
    # one entry per name that differs only by plural, hyphen or punctuation
    keys = {}
    from programs.catalog.text import variant_key

    for name in CatalogExercise.objects.values_list("name", flat=True):
        keys.setdefault(variant_key(name), []).append(name)
    assert [group for group in keys.values() if len(group) > 1] == []


def test_a_businesss_copy_of_a_lift_ranks_where_the_lift_did(business, owner):
    from programs.services.library import exercise_copy, exercise_update

    with tenant_context(business):
        back_squat = CatalogExercise.objects.get(name="Back Squat")
        copy = exercise_copy(catalog_exercise=back_squat, by=owner)
        exercise_update(exercise=copy, by=owner, name="Back Squat (high bar, paused)")
        assert names("back squat")[0] == "Back Squat (high bar, paused)"

"""The exercise library a business sees: ranked, typo-tolerant search over the shared
catalog (loaded by migration) and its own exercises; filters; the hide list and copies,
which stay inside their business."""

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from programs.catalog.models import CatalogExercise
from programs.selectors.library import (
    LibraryFilters,
    exercise_get,
    exercise_search,
    library_filters,
)
from programs.services.library import (
    exercise_archive,
    exercise_copy,
    exercise_create,
    exercise_hide,
    exercise_unhide,
    exercise_update,
)

pytestmark = pytest.mark.django_db


def names(query="", **filters) -> list[str]:
    page = exercise_search(query=query, filters=LibraryFilters(**filters), limit=10)
    return [row.name for row in page.results]


def catalog(name: str) -> CatalogExercise:
    return CatalogExercise.objects.get(name=name)


@pytest.fixture
def acme(business):
    with tenant_context(business):
        yield business


@pytest.mark.parametrize(
    "query, first",
    [
        ("bench press", "Bench Press"),
        ("Bench Press", "Bench Press"),
        ("benchpress", "Bench Press"),
        ("squat", "Back Squat"),  # "Squat" is its alias
        ("squatt", "Back Squat"),
        ("dumbell curl", "Dumbbell Curl"),
        ("dumbbell curl", "Dumbbell Curl"),
        ("rdl", "Romanian Deadlift"),
        ("farmers walk", "Farmer's Carry"),
        ("kettlebel swing", "Kettlebell Swing"),
        ("pullup", "Pull-Up"),
        ("Zöttman curl", "Zottman Curl"),
    ],
)
def test_search_puts_what_people_meant_first(acme, query, first):
    assert names(query)[0] == first


def test_exact_name_beats_name_prefix_beats_word_prefix(acme):
    found = names("front squat")
    assert found[0] == "Front Squat"
    assert found.index("Front Squat") < found.index("Heel-Elevated Front Squat")
    assert names("bench")[0].startswith("Bench")


def test_a_name_prefix_ranks_before_a_word_inside_another_name(acme):
    found = names("lat")
    assert found[0].lower().startswith("lat")


def test_search_matches_aliases(acme):
    assert "Ski Erg" in names("skierg")
    assert "Air Bike" in names("assault bike")


def test_gibberish_finds_nothing_and_does_not_fail(acme):
    assert names("qqqzzzxx") == []
    assert names("a" * 500) == []
    assert names("%_'\\") == names("")  # nothing searchable: the plain list


def test_filters_by_primary_or_secondary_muscle(acme):
    found = exercise_search(filters=LibraryFilters(muscle="triceps"), limit=200).results
    assert found
    assert all("triceps" in row.primary_muscles + row.secondary_muscles for row in found)
    assert "Bench Press" in names("bench press", muscle="triceps")  # triceps are secondary


def test_filters_by_equipment_and_category(acme):
    found = exercise_search(
        query="squat", filters=LibraryFilters(equipment="kettlebells"), limit=50
    ).results
    assert found and all("kettlebells" in row.equipment for row in found)
    assert "Goblet Squat" in [row.name for row in found]
    olympic = exercise_search(filters=LibraryFilters(category="olympic"), limit=100).results
    assert olympic and {row.category for row in olympic} == {"olympic"}


def test_unknown_filter_values_are_field_errors():
    with pytest.raises(ValidationError) as caught:
        library_filters(muscle="wings", equipment="spaceship", category="yoga")
    assert set(caught.value.message_dict) == {"muscle", "equipment", "category"}


def test_browsing_without_a_query_is_alphabetical_and_paged(acme):
    first = exercise_search(limit=20)
    second = exercise_search(limit=20, offset=20)
    assert first.has_more and second.results
    everything = [row.name.lower() for row in first.results + second.results]
    assert everything == sorted(everything)


def test_a_hidden_entry_leaves_the_library_and_comes_back_when_unhidden(acme, owner):
    squat = catalog("Back Squat")
    exercise_hide(catalog_exercise=squat, by=owner)
    exercise_hide(catalog_exercise=squat, by=owner)  # twice is fine
    assert "Back Squat" not in names("back squat")
    assert exercise_get(key=f"c-{squat.pk}") is None
    assert exercise_get(key=f"c-{squat.pk}", include_hidden=True).is_hidden
    hidden = exercise_search(hidden=True).results
    assert [row.name for row in hidden] == ["Back Squat"]
    exercise_unhide(catalog_exercise=squat, by=owner)
    assert names("back squat")[0] == "Back Squat"


def test_a_copy_replaces_its_catalog_entry(acme, owner):
    press = catalog("Overhead Press")
    copy = exercise_copy(catalog_exercise=press, by=owner)
    assert copy.instructions == press.instructions and copy.catalog == press
    exercise_update(exercise=copy, by=owner, name="Strict Press", cues=["Squeeze the glutes"])
    results = exercise_search(query="strict press").results
    assert results[0].name == "Strict Press" and results[0].is_own
    assert "Overhead Press" not in names("overhead press")
    assert exercise_copy(catalog_exercise=press, by=owner).pk == copy.pk  # one copy only
    exercise_archive(exercise=copy, by=owner)
    assert names("overhead press")[0] == "Overhead Press"  # an archived copy replaces nothing


def test_own_exercises_are_searchable_with_typos(acme, owner):
    exercise_create(by=owner, name="Sled Sprint Ladder", category="cardio", equipment=["other"])
    assert names("sled sprint ladder")[0] == "Sled Sprint Ladder"
    assert "Sled Sprint Ladder" in names("sprnt ladder")


def test_custom_exercise_checks_its_fields(acme, owner):
    with pytest.raises(ValidationError) as caught:
        exercise_create(
            by=owner,
            name="  ",
            category="yoga",
            primary_muscles=["wings"],
            equipment=["spaceship"],
            cues=["x"] * 9,
            video_url="not a url",
        )
    assert set(caught.value.message_dict) >= {
        "name",
        "category",
        "primary_muscles",
        "equipment",
        "cues",
        "video_url",
    }


def test_two_own_exercises_cannot_share_a_name(acme, owner):
    exercise_create(by=owner, name="Band Walk")
    with pytest.raises(ValidationError) as caught:
        exercise_create(by=owner, name="band-walk")
    assert "name" in caught.value.message_dict


def test_one_business_never_sees_anothers_hidden_entries_or_exercises(
    business, other_business, owner
):
    squat = catalog("Back Squat")
    press = catalog("Overhead Press")
    with tenant_context(other_business):
        from accounts.models import User

        zen_owner = User.objects.get(email="owner@zen.test")
        exercise_hide(catalog_exercise=squat, by=zen_owner)
        exercise_create(by=zen_owner, name="Zen Flow Sequence", category="mobility")
        exercise_update(
            exercise=exercise_copy(catalog_exercise=press, by=zen_owner),
            by=zen_owner,
            name="Zen Press",
        )
        assert "Back Squat" not in names("back squat")
        assert names("zen flow")[0] == "Zen Flow Sequence"
    with tenant_context(business):
        assert names("back squat")[0] == "Back Squat"
        assert names("overhead press")[0] == "Overhead Press"
        assert "Zen Flow Sequence" not in names("zen flow")
        assert "Zen Press" not in names("zen press")


def test_a_search_is_one_query_even_a_misspelt_one(acme, django_assert_num_queries):
    exercise_search(query="squatt")  # the schema switch and the dictionaries load here
    with django_assert_num_queries(1):
        exercise_search(query="bench", filters=LibraryFilters(muscle="chest"))
    with django_assert_num_queries(1):
        exercise_search()  # browsing
    with django_assert_num_queries(1):  # the corrections are searched with the text
        assert names("dumbell curl")[0] == "Dumbbell Curl"

"""How catalog exercises are measured: the rule table over the real catalog data (the
authored entries and free-exercise-db), and the kinds the migration and the importer
store."""

import json
from pathlib import Path

import pytest

from programs.catalog.data import measurement_rules
from programs.catalog.measurement import measurement_infer
from programs.catalog.models import CatalogExercise, Measurement
from programs.catalog.services import AUTHORED_PATH, _from_fedb, catalog_import

FEDB = Path(__file__).resolve().parents[4] / "shared" / "data" / "free-exercise-db"


def authored() -> list[dict]:
    return json.loads(AUTHORED_PATH.read_text())


def fedb() -> list[dict]:
    return [_from_fedb(item) for item in json.loads((FEDB / "exercises.json").read_text())]


def kinds_by_name() -> dict[str, str]:
    out = {}
    for entry in [*fedb(), *authored()]:  # authored last: it wins a shared name, as on import
        out[entry["name"]] = measurement_infer(
            name=entry["name"], category=entry["category"], equipment=entry["equipment"]
        )
    return out


@pytest.mark.parametrize(
    "name,kind",
    [
        ("Front Plank", "time"),
        ("Side Plank", "time"),
        ("Plank", "time"),
        ("Hollow Body Hold", "time"),
        ("Wall Sit", "time"),
        ("Dead Hang", "time"),
        ("L-Sit", "time"),
        ("Couch Stretch", "time"),
        ("Foam Roll Quads", "time"),
        ("Jump Rope", "time"),
        ("Stairmaster", "time"),
        ("Farmer's Carry", "distance"),
        ("Farmer's Walk", "distance"),
        ("Suitcase Carry", "distance"),
        ("Yoke Walk", "distance"),
        ("Sled Push", "distance"),
        ("Sprint", "distance"),
        ("Treadmill Run", "time_distance"),
        ("Easy Run", "time_distance"),
        ("Rowing Machine", "time_distance"),
        ("Rowing, Stationary", "time_distance"),
        ("Swimming", "time_distance"),
        ("Trail Running/Walking", "time_distance"),
        ("Push-Up", "reps"),
        ("Pull-Up", "reps"),
        ("Burpee", "reps"),
        ("Plank Shoulder Tap", "reps"),
        ("Push Up to Side Plank", "reps"),
        ("L-Sit Pull-Up", "reps"),
        ("Hanging Leg Raise", "reps"),
        ("Air Bike", "time"),  # the authored cardio machine, not free-exercise-db's crunch
        ("Back Squat", "reps_load"),
        ("Barbell Bent-Over Row", "reps_load"),
        ("Hang Clean", "reps_load"),
        ("Sled Row", "reps_load"),
        ("Dumbbell Walking Lunge", "reps_load"),
        ("Barbell Glute Bridge", "reps_load"),
    ],
)
def test_real_catalog_exercises_get_the_kind_a_coach_expects(name, kind):
    kinds = kinds_by_name()
    assert name in kinds, f"{name} is not in the catalog data"
    assert kinds[name] == kind


def test_every_catalog_entry_gets_a_known_kind_and_each_kind_is_used():
    kinds = kinds_by_name()
    assert set(kinds.values()) == set(Measurement.values)
    counts = {k: list(kinds.values()).count(k) for k in Measurement.values}
    assert counts["time"] >= 50 and counts["distance"] >= 15 and counts["time_distance"] >= 10
    assert counts["reps_load"] > len(kinds) / 2  # most of the catalog is lifted


def test_no_stretch_is_counted_with_a_load_and_no_barbell_lift_is_timed():
    for entry in [*fedb(), *authored()]:
        kind = measurement_infer(
            name=entry["name"], category=entry["category"], equipment=entry["equipment"]
        )
        if entry["category"] == "stretching":
            assert kind != "reps_load", entry["name"]
        if "barbell" in entry["equipment"]:
            assert kind in ("reps_load", "distance"), entry["name"]


def test_every_rule_of_the_table_matches_some_real_exercise():
    """A rule no catalog name matches is a typo or dead weight (single words in a rule
    may be there for businesses' own exercises: "plank jacks", "walkouts")."""
    import re

    from programs.catalog.text import normalise

    names = [normalise(e["name"]) for e in [*fedb(), *authored()]]
    for pattern, _kind, _categories in measurement_rules.RULES:
        assert any(re.search(pattern, n) for n in names), pattern


@pytest.mark.django_db
def test_the_migrated_catalog_has_its_kinds():
    by_name = dict(CatalogExercise.objects.values_list("name", "measurement"))
    assert by_name["Front Plank"] == "time"
    assert by_name["Farmer's Carry"] == "distance"
    assert by_name["Treadmill Run"] == "time_distance"
    assert by_name["Push-Up"] == "reps"
    assert by_name["Back Squat"] == "reps_load"


@pytest.mark.django_db
def test_an_imported_exercise_gets_its_kind(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    items = [i for i in json.loads((FEDB / "exercises.json").read_text())]
    chosen = [i for i in items if i["name"] in ("Skating", "Rickshaw Carry", "Spider Crawl")]
    catalog_import(data=chosen)
    by_name = dict(
        CatalogExercise.objects.filter(
            name__in=["Skating", "Rickshaw Carry", "Spider Crawl"]
        ).values_list("name", "measurement")
    )
    assert by_name == {
        "Skating": "time_distance",
        "Rickshaw Carry": "distance",
        "Spider Crawl": "reps",
    }

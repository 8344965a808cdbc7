"""The program generator ("AI program", done honestly): rules, not a black box.

From an intake (goal, experience, days per week, minutes per session, equipment,
injuries) it writes a four-week block from the exercise library and says why for
every choice. Same intake and same library -> same program (no randomness: every
choice is a sort on stable keys). The result is a normal program draft the coach
edits in the builder before assigning.

The rules, in order:

1. Split by days per week: 1-3 full body, 4 upper/lower, 5 push/pull/legs +
   upper/lower, 6 push/pull/legs twice. Beginners train at most 4 days, everyone
   at most 6 (one rest day).
2. Each day is a list of slots (a movement pattern, or an isolation slot for one
   muscle). The candidates of a slot are the library's exercises that
   - use only equipment the client has ("body only" is always available;
     "other" — benches, boxes, sleds — only when ticked),
   - are at or below the client's level,
   - are not contraindicated by an injury (``INJURY_RULES``),
   - belong to a training category (strength, powerlifting, core; no stretching,
     cardio, plyometrics or Olympic lifts).
   The best candidate is the first by: not used yet this week, compound first for
   main lifts, preferred equipment for the role, level closest to the client's,
   the authored catalog before imports, the shortest (most standard) name, slug.
3. Weekly sets per muscle (a primary muscle counts a set as 1, a secondary as 0.5)
   never exceed the level's maximum (``VOLUME_BOUNDS``); major muscles are topped
   up towards the minimum while time allows.
4. Reps, effort (reps in reserve, RIR) and rest come from the goal
   (``GOAL_SCHEMES``); beginners keep one more rep in reserve.
5. Session length: minutes = warm-up + per exercise a minute to set up + per set
   (reps x 4 s + rest). Accessories lose sets, then whole slots, until the
   estimate fits the minutes the client has.
6. Periodisation: weeks 1-3 build effort (RIR 3, 2, 1 from the scheme's base),
   week 4 deloads (about 60 % of the sets, two more reps in reserve); the program
   runs 8 weeks, the second block repeating the first with one more rep on
   accessories (the builder's ``add_reps`` progression).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from clients.models import Client

# --- vocabulary ------------------------------------------------------------------------

GOALS = ("strength", "hypertrophy", "fat_loss", "endurance", "general", "mobility")
LEVELS = ("beginner", "intermediate", "advanced")
EQUIPMENT_CHOICES = [
    ("body only", _("Body weight")),
    ("dumbbell", _("Dumbbells")),
    ("barbell", _("Barbell and plates")),
    ("kettlebells", _("Kettlebells")),
    ("cable", _("Cable station")),
    ("machine", _("Machines")),
    ("bands", _("Resistance bands")),
    ("e-z curl bar", _("EZ curl bar")),
    ("medicine ball", _("Medicine ball")),
    ("exercise ball", _("Exercise (Swiss) ball")),
    ("foam roll", _("Foam roller")),
    ("other", _("Other: benches, boxes, sleds, bars")),
]
EQUIPMENT = {key for key, _label in EQUIPMENT_CHOICES}
GYM = frozenset(EQUIPMENT)
HOME_KIT = frozenset({"body only", "dumbbell", "kettlebells", "bands", "exercise ball"})

# level of an exercise (catalog vocabulary) -> rank; a client may do ranks <= theirs
EXERCISE_LEVEL_RANK = {"beginner": 0, "intermediate": 1, "expert": 2, "advanced": 2, "": 1}
CLIENT_LEVEL_RANK = {"beginner": 0, "intermediate": 1, "advanced": 2}
TRAINING_CATEGORIES = {"strength", "powerlifting", "core"}

# weekly sets per muscle (primary 1, secondary 0.5)
VOLUME_BOUNDS = {"beginner": (6, 12), "intermediate": (10, 16), "advanced": (12, 22)}
MAJOR_MUSCLES = ("chest", "lats", "shoulders", "quadriceps", "hamstrings", "glutes")
SECONDARY_WEIGHT = 0.5

MAIN, ACCESSORY, ISOLATION, CORE = "main", "accessory", "isolation", "core"


@dataclass(frozen=True)
class Scheme:
    main_reps: tuple[int, int]
    acc_reps: tuple[int, int]
    rir: int  # base reps in reserve for week 2
    main_rest: int  # seconds
    acc_rest: int
    why: str


GOAL_SCHEMES = {
    "strength": Scheme((3, 5), (6, 10), 2, 180, 90, _("heavy main lifts for few reps, long rests")),
    "hypertrophy": Scheme((6, 10), (10, 15), 2, 120, 75, _("moderate reps close to failure")),
    "fat_loss": Scheme((8, 12), (12, 15), 2, 90, 45, _("moderate reps, short rests, keep moving")),
    "endurance": Scheme((12, 15), (15, 20), 3, 60, 45, _("higher reps, short rests")),
    "general": Scheme((6, 10), (10, 12), 2, 120, 60, _("a balance of strength and muscle")),
    "mobility": Scheme((8, 12), (12, 15), 3, 90, 60, _("controlled reps through full range")),
}
BASE_SETS = {  # (main, accessory)
    "beginner": (3, 2),
    "intermediate": (4, 3),
    "advanced": (4, 3),
}
MAX_SETS_PER_EXERCISE = 6  # for advanced; see MAX_SETS_BY_LEVEL
MAX_SETS_BY_LEVEL = {"beginner": 4, "intermediate": 5, "advanced": 6}
SECONDS_PER_REP = 4
SETUP_SECONDS = 60  # per exercise: move, load, set up


# --- injuries ----------------------------------------------------------------------------

LOAD_EQUIPMENT = {
    "barbell",
    "dumbbell",
    "kettlebells",
    "machine",
    "cable",
    "e-z curl bar",
    "bands",
    "medicine ball",
    "other",
}
FREE_WEIGHTS = {"barbell", "dumbbell", "kettlebells", "e-z curl bar"}


@dataclass(frozen=True)
class InjuryRule:
    key: str
    label: str
    keywords: tuple[str, ...]
    avoid: str  # what is avoided, for the coach

    def blocks(self, ex: Candidate) -> bool:  # noqa: C901 (one rule per injury)
        name = ex.name.lower()
        eq = set(ex.equipment)
        loaded = bool(eq & LOAD_EQUIPMENT)
        if self.key == "knee":
            return (
                ex.category == "plyometric"
                or any(
                    w in name
                    for w in (
                        "jump",
                        "hop",
                        "bound",
                        "pistol",
                        "sissy",
                        "deep",
                        "skater",
                        "shrimp",
                        "cossack",
                    )
                )
                or (ex.pattern in ("squat", "lunge") and loaded)
            )
        if self.key == "shoulder":
            return (
                ex.pattern == "vertical_push"
                or ex.category == "olympic"
                or any(
                    w in name
                    for w in (
                        "overhead",
                        "snatch",
                        "jerk",
                        "upright row",
                        "behind the neck",
                        "dip",
                        "handstand",
                    )
                )
            )
        if self.key == "lower_back":
            return (
                (ex.pattern == "hinge" and bool(eq & FREE_WEIGHTS))
                or ex.category == "olympic"
                or "good morning" in name
                or any(
                    w in name
                    for w in (
                        "crunch",
                        "sit-up",
                        "situp",
                        "sit up",
                        "v-up",
                        "jackknife",
                        "toes to bar",
                        "toes-to-bar",
                    )
                )
            )
        if self.key == "wrist":
            return ex.category == "olympic" or any(
                w in name
                for w in (
                    "clean",
                    "front squat",
                    "wrist curl",
                    "push-up",
                    "push up",
                    "pushup",
                    "handstand",
                )
            )
        if self.key == "elbow":
            return any(
                w in name
                for w in (
                    "skull",
                    "lying triceps extension",
                    "dip",
                    "close-grip",
                    "close grip",
                    "preacher",
                )
            )
        if self.key == "hip":
            return (
                ex.category == "plyometric"
                or any(w in name for w in ("jump", "deep", "pistol", "sumo", "cossack"))
                or (ex.pattern == "lunge" and loaded)
            )
        if self.key == "ankle":
            return (
                ex.category == "plyometric"
                or ex.pattern == "gait"
                or any(
                    w in name
                    for w in ("jump", "hop", "bound", "skip", "calf raise", "run", "sprint")
                )
            )
        if self.key == "neck":
            return "neck" in ex.primary or any(
                w in name for w in ("shrug", "neck", "behind the neck")
            )
        return False


INJURY_RULES = [
    InjuryRule(
        "knee",
        _("knee"),
        ("knee", "acl", "mcl", "pcl", "menisc", "patell", "jumper"),
        _("loaded deep knee bending (loaded squats and lunges), jumps and plyometrics"),
    ),
    InjuryRule(
        "shoulder",
        _("shoulder"),
        ("shoulder", "rotator", "impingement", "labrum", "labral", "ac joint", "frozen"),
        _("overhead pressing, dips, upright rows and Olympic lifts"),
    ),
    InjuryRule(
        "lower_back",
        _("lower back"),
        ("back", "lumbar", "disc", "disk", "sciatic", "spine", "spinal", "herniat", "slipped"),
        _(
            "hinges loaded with free weights, good mornings, Olympic lifts "
            "and spinal flexion (crunches, sit-ups)"
        ),
    ),
    InjuryRule(
        "wrist",
        _("wrist"),
        ("wrist", "carpal"),
        _("front-rack positions, cleans, push-ups on the palms and wrist curls"),
    ),
    InjuryRule(
        "elbow",
        _("elbow"),
        ("elbow", "tennis", "golfer", "epicondyl"),
        _("skull crushers, dips, close-grip pressing and preacher curls"),
    ),
    InjuryRule(
        "hip",
        _("hip"),
        ("hip", "groin", "labral tear of the hip", "adductor strain"),
        _("jumps, deep and wide-stance squats, loaded lunges"),
    ),
    InjuryRule(
        "ankle",
        _("ankle"),
        ("ankle", "achilles", "plantar", "foot", "shin"),
        _("jumps, running and calf raises"),
    ),
    InjuryRule(
        "neck",
        _("neck"),
        ("neck", "cervical", "whiplash"),
        _("shrugs, neck work and behind-the-neck positions"),
    ),
]


def injuries_parse(text: str) -> tuple[list[InjuryRule], list[str]]:
    """The injury rules the text names (by keyword), and the words not recognised.

    Matching is by substring of the lower-cased text, so "knees", "ACL tear" and
    "bad lower back" all match. Returned in a fixed order (INJURY_RULES)."""
    lowered = (text or "").lower()
    found = [rule for rule in INJURY_RULES if any(k in lowered for k in rule.keywords)]
    # "lower back" contains "back"; a shoulder blade is not a back injury
    if (
        found
        and "shoulder blade" in lowered
        and "back" not in lowered.replace("shoulder blade", "")
    ):
        found = [r for r in found if r.key != "lower_back"]
    leftovers = []
    if lowered.strip() and not found:
        leftovers = [lowered.strip()[:80]]
    return found, leftovers


# --- the library as candidates -------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """One exercise as the generator sees it (catalog entry or the business's own)."""

    ref: tuple[str, int]  # ("catalog", id) or ("own", id)
    name: str
    slug: str
    category: str
    pattern: str
    primary: tuple[str, ...]
    secondary: tuple[str, ...]
    equipment: tuple[str, ...]
    mechanics: str
    level: str
    is_authored: bool = True

    @property
    def needs(self) -> frozenset[str]:
        return frozenset(self.equipment or ("body only",))


def library_candidates() -> list[Candidate]:
    """The business's library: its own exercises plus the catalog entries it has not
    hidden and not replaced by its own copy. Three queries."""
    from programs.catalog.models import CatalogExercise

    from ..models import Exercise, ExerciseHide

    columns = (
        "id",
        "name",
        "category",
        "movement_pattern",
        "primary_muscles",
        "secondary_muscles",
        "equipment",
        "mechanics",
        "level",
    )
    own = list(Exercise.objects.filter(archived_at__isnull=True).values(*columns, "catalog_id"))
    hidden = set(ExerciseHide.objects.values_list("catalog_exercise_id", flat=True))
    hidden |= {row["catalog_id"] for row in own if row["catalog_id"]}
    result = [
        _candidate(row, ref=("own", row["id"]), slug=f"own-{row['id']}", authored=True)
        for row in own
    ]
    for row in CatalogExercise.objects.values(*columns, "slug", "source"):
        if row["id"] not in hidden:
            result.append(
                _candidate(
                    row,
                    ref=("catalog", row["id"]),
                    slug=row["slug"],
                    authored=row["source"] == CatalogExercise.Source.AUTHORED,
                )
            )
    return result


def _candidate(row: dict, *, ref, slug: str, authored: bool) -> Candidate:
    return Candidate(
        ref=ref,
        name=row["name"],
        slug=slug,
        category=row["category"] or "",
        pattern=row["movement_pattern"] or "",
        primary=tuple(row["primary_muscles"] or ()),
        secondary=tuple(row["secondary_muscles"] or ()),
        equipment=tuple(row["equipment"] or ()),
        mechanics=row["mechanics"] or "",
        level=row["level"] or "",
        is_authored=authored,
    )


# --- intake ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Intake:
    goal: str = "general"
    level: str = "beginner"
    days_per_week: int = 3
    minutes: int = 60
    equipment: frozenset[str] = GYM
    injuries: str = ""

    def with_body_weight(self) -> frozenset[str]:
        return frozenset(self.equipment) | {"body only"}


def intake_validate(data: dict) -> Intake:
    """An Intake from loose data (a form, the API), or ValidationError keyed by field."""
    errors: dict[str, str] = {}
    goal = data.get("goal") or "general"
    if goal not in GOALS:
        errors["goal"] = _("Choose a goal from the list.")
    level = data.get("level") or "beginner"
    if level not in LEVELS:
        errors["level"] = _("Choose beginner, intermediate or advanced.")

    def whole(key, low, high, message):
        try:
            value = int(str(data.get(key, "")).strip())
        except (TypeError, ValueError):
            errors[key] = message
            return low
        if not low <= value <= high:
            errors[key] = message
        return value

    days = whole("days_per_week", 1, 7, _("Enter 1 to 7 days a week."))
    minutes = whole("minutes", 20, 180, _("Enter 20 to 180 minutes."))
    raw_equipment = data.get("equipment")
    if raw_equipment is None:
        raw_equipment = []
    if isinstance(raw_equipment, str):
        raw_equipment = [e.strip() for e in raw_equipment.split(",") if e.strip()]
    if not isinstance(raw_equipment, (list, tuple, set, frozenset)):
        errors["equipment"] = _("Give the equipment as a list.")
        raw_equipment = []
    unknown = sorted(str(e) for e in raw_equipment if e not in EQUIPMENT)
    if unknown:
        errors["equipment"] = _("Unknown equipment: %(names)s.") % {"names": ", ".join(unknown)}
    injuries = " ".join(str(data.get("injuries") or "").split())
    if len(injuries) > 500:
        errors["injuries"] = _("Keep the injuries to 500 characters.")
    if errors:
        raise ValidationError(errors)
    return Intake(
        goal=goal,
        level=level,
        days_per_week=days,
        minutes=minutes,
        equipment=frozenset(raw_equipment) | {"body only"},
        injuries=injuries,
    )


GOAL_ANSWERS = {
    "lose fat": "fat_loss",
    "build muscle": "hypertrophy",
    "get stronger": "strength",
    "improve fitness and endurance": "endurance",
    "move without pain": "mobility",
    "prepare for an event": "general",
}
EXPERIENCE_ANSWERS = {
    "never": "beginner",
    "on and off": "beginner",
    "regularly for under a year": "intermediate",
    "regularly for years": "advanced",
}
WHERE_ANSWERS = {
    "gym": GYM,
    "home with equipment": HOME_KIT,
    "home without equipment": frozenset({"body only"}),
    "outdoors": frozenset({"body only"}),
}


def _yes(value) -> bool:
    return value is True or str(value).strip().lower() in ("yes", "true", "1")


def intake_from_answers(*, client: Client) -> tuple[dict, list[str]]:
    """Intake data from the client's latest submitted answers (the "Goals and lifestyle"
    starter's keys; injuries from the health questionnaire's details or an
    ``injuries`` answer), and a note per value taken. Missing values are left out."""
    from clients.models import Response

    responses = list(
        Response.objects.filter(client=client, status=Response.Status.SUBMITTED)
        .select_related("version__questionnaire")
        .order_by("-submitted_at", "-pk")[:20]
    )
    data: dict = {}
    notes: list[str] = []
    for response in responses:
        answers = response.answers or {}
        title = response.version.questionnaire.title
        when = response.submitted_at.date().isoformat() if response.submitted_at else ""
        source = _("from “%(form)s” answered %(when)s") % {"form": title, "when": when}
        if "goal" not in data and str(answers.get("main_goal", "")).lower() in GOAL_ANSWERS:
            data["goal"] = GOAL_ANSWERS[str(answers["main_goal"]).lower()]
            notes.append(_("Goal “%(a)s” %(src)s.") % {"a": answers["main_goal"], "src": source})
        if "level" not in data and str(answers.get("experience", "")).lower() in EXPERIENCE_ANSWERS:
            data["level"] = EXPERIENCE_ANSWERS[str(answers["experience"]).lower()]
            notes.append(
                _("Experience “%(a)s” read as %(level)s %(src)s.")
                % {"a": answers["experience"], "level": data["level"], "src": source}
            )
        if "days_per_week" not in data and answers.get("days_per_week") not in (None, ""):
            try:
                data["days_per_week"] = max(1, min(7, int(float(answers["days_per_week"]))))
                notes.append(
                    _("%(n)s training days a week %(src)s.")
                    % {"n": data["days_per_week"], "src": source}
                )
            except (TypeError, ValueError):
                pass
        if "equipment" not in data and answers.get("equipment"):
            where = answers["equipment"]
            where = [where] if isinstance(where, str) else list(where)
            kit: set[str] = set()
            for place in where:
                kit |= WHERE_ANSWERS.get(str(place).lower(), frozenset())
            if kit:
                data["equipment"] = sorted(kit)
                notes.append(
                    _("Equipment from “%(where)s” %(src)s: %(kit)s.")
                    % {
                        "where": ", ".join(map(str, where)),
                        "src": source,
                        "kit": ", ".join(sorted(kit)),
                    }
                )
        if "injuries" not in data:
            text = answers.get("injuries") or ""
            if not text and _yes(answers.get("bone_joint")):
                text = answers.get("details") or _("a bone or joint problem (details not given)")
            if text:
                data["injuries"] = str(text)[:500]
                notes.append(
                    _("Injuries “%(text)s” %(src)s.") % {"text": data["injuries"], "src": source}
                )
    return data, notes


# --- the plan (pure) -----------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    role: str  # main, accessory, isolation, core
    patterns: tuple[str, ...]
    muscle: str = ""  # isolation slots: the target muscle
    label: str = ""


def _s(role, *patterns, muscle="", label=""):
    return Slot(role, tuple(patterns), muscle, label or (muscle or patterns[0]).replace("_", " "))


DAY_TEMPLATES: dict[str, list[Slot]] = {
    "Full body A": [
        _s(MAIN, "squat", "lunge"),
        _s(MAIN, "horizontal_push"),
        _s(ACCESSORY, "hinge"),
        _s(ACCESSORY, "vertical_pull", "horizontal_pull"),
        _s(ACCESSORY, "vertical_push"),
        _s(ISOLATION, muscle="biceps"),
        _s(CORE, "core", "rotation", "carry"),
    ],
    "Full body B": [
        _s(MAIN, "hinge"),
        _s(MAIN, "vertical_pull", "horizontal_pull"),
        _s(ACCESSORY, "horizontal_push", "vertical_push"),
        _s(ACCESSORY, "lunge", "squat"),
        _s(ACCESSORY, "horizontal_pull"),
        _s(ISOLATION, muscle="triceps"),
        _s(CORE, "rotation", "core", "carry"),
    ],
    "Upper A": [
        _s(MAIN, "horizontal_push"),
        _s(MAIN, "horizontal_pull"),
        _s(ACCESSORY, "vertical_push"),
        _s(ACCESSORY, "vertical_pull"),
        _s(ISOLATION, muscle="shoulders"),
        _s(ISOLATION, muscle="biceps"),
        _s(ISOLATION, muscle="triceps"),
    ],
    "Upper B": [
        _s(MAIN, "vertical_push", "horizontal_push"),
        _s(MAIN, "vertical_pull"),
        _s(ACCESSORY, "horizontal_push"),
        _s(ACCESSORY, "horizontal_pull"),
        _s(ISOLATION, muscle="shoulders"),
        _s(ISOLATION, muscle="triceps"),
        _s(ISOLATION, muscle="biceps"),
    ],
    "Lower A": [
        _s(MAIN, "squat", "lunge"),
        _s(ACCESSORY, "hinge"),
        _s(ACCESSORY, "lunge", "squat"),
        _s(ISOLATION, muscle="hamstrings"),
        _s(ISOLATION, muscle="calves"),
        _s(CORE, "core", "rotation", "carry"),
    ],
    "Lower B": [
        _s(MAIN, "hinge"),
        _s(ACCESSORY, "squat", "lunge"),
        _s(ACCESSORY, "lunge"),
        _s(ISOLATION, muscle="quadriceps"),
        _s(ISOLATION, muscle="glutes"),
        _s(CORE, "rotation", "core", "carry"),
    ],
    "Push": [
        _s(MAIN, "horizontal_push"),
        _s(ACCESSORY, "vertical_push"),
        _s(ACCESSORY, "horizontal_push"),
        _s(ISOLATION, muscle="shoulders"),
        _s(ISOLATION, muscle="triceps"),
        _s(ISOLATION, muscle="chest"),
    ],
    "Pull": [
        _s(MAIN, "vertical_pull", "horizontal_pull"),
        _s(ACCESSORY, "horizontal_pull"),
        _s(ACCESSORY, "vertical_pull", "horizontal_pull"),
        _s(ISOLATION, muscle="biceps"),
        _s(ISOLATION, muscle="middle back"),
        _s(CORE, "core", "carry", "rotation"),
    ],
    "Legs": [
        _s(MAIN, "squat", "lunge"),
        _s(ACCESSORY, "hinge"),
        _s(ACCESSORY, "lunge", "squat"),
        _s(ISOLATION, muscle="hamstrings"),
        _s(ISOLATION, muscle="quadriceps"),
        _s(ISOLATION, muscle="calves"),
    ],
}

SPLITS = {
    1: ("full body", ["Full body A"]),
    2: ("full body", ["Full body A", "Full body B"]),
    3: ("full body", ["Full body A", "Full body B", "Full body A"]),
    4: ("upper/lower", ["Upper A", "Lower A", "Upper B", "Lower B"]),
    5: ("push/pull/legs + upper/lower", ["Push", "Pull", "Legs", "Upper A", "Lower B"]),
    6: ("push/pull/legs", ["Push", "Pull", "Legs", "Push", "Pull", "Legs"]),
}
DAY_NAMES = {"Full body A": "Full body", "Full body B": "Full body"}

# well-known, well-coached exercises come first (lower index = preferred), authored and
# free-exercise-db spellings; anything else follows by the other rules
STAPLES = [
    name.lower()
    for name in (
        "Back Squat",
        "Barbell Squat",
        "Barbell Full Squat",
        "Goblet Squat",
        "Leg Press",
        "Front Squat",
        "Dumbbell Front Squat",
        "Hack Squat",
        "Belt Squat",
        "Air Squat",
        "Bodyweight Squat",
        "Box Squat",
        "Spanish Squat",
        "Wall Sit",
        "Romanian Deadlift",
        "Deadlift",
        "Barbell Deadlift",
        "Trap Bar Deadlift",
        "Dumbbell Romanian Deadlift",
        "Barbell Hip Thrust",
        "Dumbbell Hip Thrust",
        "Kettlebell Deadlift",
        "Kettlebell Swing",
        "Cable Pull-Through",
        "Glute Bridge",
        "45-Degree Back Extension",
        "Single-Leg Glute Bridge",
        "B-Stance Romanian Deadlift",
        "Dumbbell Split Squat",
        "Dumbbell Reverse Lunge",
        "Goblet Reverse Lunge",
        "Dumbbell Bulgarian Split Squat",
        "Goblet Bulgarian Split Squat",
        "Dumbbell Step-Up",
        "Dumbbell Walking Lunge",
        "Bodyweight Reverse Lunge",
        "Lateral Step-Up",
        "Bench Press",
        "Barbell Bench Press - Medium Grip",
        "Dumbbell Bench Press",
        "Incline Dumbbell Press",
        "Incline Bench Press",
        "Machine Chest Press",
        "Push-Up",
        "Pushups",
        "Incline Push-Up",
        "Knee Push-Up",
        "Dumbbell Floor Press",
        "Overhead Press",
        "Standing Military Press",
        "Seated Dumbbell Shoulder Press",
        "Standing Dumbbell Shoulder Press",
        "Machine Shoulder Press",
        "Landmine Press",
        "Half-Kneeling Landmine Press",
        "Kettlebell Press",
        "Single-Arm Dumbbell Press",
        "Pike Push-Up",
        "Pull-Up",
        "Pullups",
        "Chin-Up",
        "Lat Pulldown",
        "Wide-Grip Lat Pulldown",
        "Band-Assisted Pull-Up",
        "Machine Assisted Pull-Up",
        "Close-Grip Lat Pulldown",
        "Single-Arm Lat Pulldown",
        "Negative Pull-Up",
        "Barbell Bent-Over Row",
        "Bent Over Barbell Row",
        "One-Arm Dumbbell Row",
        "Seated Cable Row",
        "Seated Cable Rows",
        "Chest-Supported Dumbbell Row",
        "Machine Row",
        "Chest-Supported T-Bar Row",
        "Inverted Row",
        "Band Row",
        "Ring Row",
        "Dumbbell Lateral Raise",
        "Cable Lateral Raise",
        "Machine Lateral Raise",
        "Face Pull",
        "Reverse Pec Deck",
        "Bent-Over Dumbbell Reverse Fly",
        "Band Pull-Apart",
        "Dumbbell Curl",
        "Barbell Curl",
        "EZ-Bar Curl",
        "Cable Curl",
        "Hammer Curl",
        "Band Biceps Curl",
        "Rope Triceps Pushdown",
        "Overhead Cable Triceps Extension",
        "Dumbbell Overhead Triceps Extension",
        "Band Triceps Pushdown",
        "Dumbbell Triceps Kickback",
        "Dumbbell Fly",
        "Seated Cable Fly",
        "Pec Deck",
        "Band Chest Fly",
        "Seated Leg Curl",
        "Lying Leg Curl",
        "Stability Ball Hamstring Curl",
        "Sliding Leg Curl",
        "Leg Extension",
        "Standing Calf Raise",
        "Seated Calf Raise",
        "Bodyweight Calf Raise",
        "Single-Leg Calf Raise",
        "Cable Glute Kickback",
        "Hip Abduction Machine",
        "Front Plank",
        "Plank",
        "Dead Bug",
        "Side Plank",
        "Pallof Press",
        "Bird Dog",
        "Farmer's Carry",
        "Suitcase Carry",
        "Cable Woodchop",
        "Hanging Knee Raise",
        "Reverse Crunch",
        "Cable Crunch",
        "Stability Ball Rollout",
    )
]
STAPLE_RANK = {name: index for index, name in enumerate(STAPLES)}
PATTERN_MUSCLES = {
    "squat": {"quadriceps"},
    "lunge": {"quadriceps", "glutes"},
    "hinge": {"hamstrings", "glutes"},
    "horizontal_push": {"chest"},
    "vertical_push": {"shoulders"},
    "horizontal_pull": {"middle back", "lats"},
    "vertical_pull": {"lats"},
}

EQUIPMENT_PREFERENCE = {
    MAIN: ("barbell", "dumbbell", "kettlebells", "machine", "cable", "body only", "bands"),
    ACCESSORY: ("dumbbell", "cable", "machine", "kettlebells", "barbell", "body only", "bands"),
    ISOLATION: ("dumbbell", "cable", "machine", "bands", "e-z curl bar", "body only", "barbell"),
    CORE: ("body only", "cable", "bands", "dumbbell", "kettlebells", "exercise ball", "machine"),
}


@dataclass
class PlannedExercise:
    candidate: Candidate
    slot: Slot
    sets: int
    reps: tuple[int, int]
    rest: int
    reason: str


@dataclass
class PlannedDay:
    name: str
    template: str
    exercises: list[PlannedExercise] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def minutes(self, *, warmup: int) -> float:
        return session_minutes(self.exercises, warmup=warmup)


@dataclass
class Plan:
    intake: Intake
    split: str
    days: list[PlannedDay]
    notes: list[dict]  # {"topic", "text"}
    weekly_sets: dict[str, float]
    warmup: int


def set_seconds(reps: tuple[int, int], rest: int) -> float:
    return (reps[0] + reps[1]) / 2 * SECONDS_PER_REP + rest


def session_minutes(exercises: Iterable[PlannedExercise], *, warmup: int) -> float:
    """Estimated minutes of a session: warm-up, a minute to set up each exercise, and
    per set the work (reps x 4 s, range middle) plus the rest after it."""
    seconds = warmup * 60
    for e in exercises:
        seconds += SETUP_SECONDS + e.sets * set_seconds(e.reps, e.rest)
    return seconds / 60


def weekly_volume(days: Iterable[PlannedDay]) -> dict[str, float]:
    """Sets per muscle per week: a set counts 1 for each primary muscle, 0.5 for each secondary."""
    volume: dict[str, float] = defaultdict(float)
    for day in days:
        for e in day.exercises:
            for muscle in set(e.candidate.primary):
                volume[muscle] += e.sets
            for muscle in set(e.candidate.secondary) - set(e.candidate.primary):
                volume[muscle] += e.sets * SECONDARY_WEIGHT
    return dict(volume)


def _contributions(c: Candidate) -> dict[str, float]:
    out = {m: 1.0 for m in c.primary}
    for m in c.secondary:
        out.setdefault(m, SECONDARY_WEIGHT)
    return out


def allowed_reason(c: Candidate, *, intake: Intake, injuries: list[InjuryRule]) -> str | None:
    """Why ``c`` cannot be used for this intake, or None when it can."""
    if c.category not in TRAINING_CATEGORIES:
        return "category"
    if not c.needs <= intake.with_body_weight():
        return "equipment"
    if EXERCISE_LEVEL_RANK.get(c.level, 1) > CLIENT_LEVEL_RANK[intake.level]:
        return "level"
    for rule in injuries:
        if rule.blocks(c):
            return f"injury:{rule.key}"
    return None


def _fits_slot(c: Candidate, slot: Slot) -> bool:
    if slot.role == ISOLATION:
        return slot.muscle in c.primary and (c.mechanics == "isolation" or c.pattern == "isolation")
    if slot.role == CORE:
        return c.pattern in slot.patterns
    return c.pattern in slot.patterns and (slot.role != MAIN or c.mechanics != "isolation")


def _rank(c: Candidate, slot: Slot, *, intake: Intake, used: set, pattern_index: int) -> tuple:
    preference = EQUIPMENT_PREFERENCE[slot.role]
    eq_rank = min(
        (preference.index(e) for e in c.needs if e in preference), default=len(preference)
    )
    expected = PATTERN_MUSCLES.get(c.pattern)
    staple = STAPLE_RANK.get(c.name.lower(), len(STAPLES))
    # main lifts: the standard lift first; accessories: the preferred kit first (variety)
    first, second = (staple, eq_rank) if slot.role == MAIN else (eq_rank, staple)
    return (
        c.ref in used,
        pattern_index,
        0 if (slot.role != MAIN or c.mechanics == "compound") else 1,
        0 if (not expected or expected & set(c.primary)) else 1,
        first,
        second,
        EXERCISE_LEVEL_RANK.get(c.level, 1),
        0 if c.is_authored else 1,
        len(c.name),
        c.slug,
    )


def _place(
    *,
    slot: Slot,
    day: PlannedDay,
    pool: list[Candidate],
    intake: Intake,
    scheme: Scheme,
    used: set,
    volume: dict[str, float],
    high: int,
    sets: int,
    warmup: int,
    budget: int,
) -> PlannedExercise | None:
    """The exercise, sets and reps for one slot of ``day``, or None (with a note on the
    day saying why)."""
    options = []
    for pattern_index, pattern in enumerate(slot.patterns or ("",)):
        probe = Slot(slot.role, (pattern,), slot.muscle, slot.label) if slot.patterns else slot
        for c in pool:
            if _fits_slot(c, probe):
                options.append(
                    (_rank(c, slot, intake=intake, used=used, pattern_index=pattern_index), c)
                )
    if not options:
        day.notes.append(
            str(
                _("No %(slot)s exercise fits the equipment, level and injuries: slot left out.")
                % {"slot": slot.label}
            )
        )
        return None
    options.sort(key=lambda pair: pair[0])
    candidate = options[0][1]
    is_main = slot.role == MAIN
    easy_body_weight = candidate.needs == {"body only"} and candidate.pattern in (
        "squat",
        "lunge",
        "hinge",
        "horizontal_push",
    )
    reps = scheme.main_reps if is_main and not easy_body_weight else scheme.acc_reps
    if slot.role == CORE:
        reps = (8, 12) if intake.goal == "strength" else (10, 15)
    rest = scheme.main_rest if is_main else scheme.acc_rest
    contributions = _contributions(candidate)
    # the weekly cap: no muscle goes over the level's maximum
    while sets > 0 and any(volume[m] + sets * w > high for m, w in contributions.items()):
        sets -= 1
    minimum = 1 if not day.exercises else 2
    if sets < minimum:
        day.notes.append(
            str(
                _("%(slot)s left out: its muscles already have %(high)d sets this week.")
                % {"slot": slot.label.capitalize(), "high": high}
            )
        )
        return None
    planned = PlannedExercise(
        candidate=candidate,
        slot=slot,
        sets=sets,
        reps=reps,
        rest=rest,
        reason=_reason(candidate, slot, intake, reused=candidate.ref in used),
    )
    while (
        planned.sets > minimum
        and session_minutes([*day.exercises, planned], warmup=warmup) > budget
    ):
        planned.sets -= 1
    if session_minutes([*day.exercises, planned], warmup=warmup) > budget:
        day.notes.append(
            str(
                _("%(slot)s left out to keep the session within %(min)d minutes.")
                % {"slot": slot.label.capitalize(), "min": budget}
            )
        )
        return None
    return planned


def _top_up(
    planned_days: list[PlannedDay],
    *,
    volume: dict[str, float],
    low: int,
    high: int,
    warmup: int,
    budget: int,
    max_sets: int,
) -> None:
    """Add sets to exercises of major muscles under the weekly minimum, while no muscle
    passes the maximum and every session stays within its minutes."""
    for muscle in MAJOR_MUSCLES:
        for day in planned_days:
            for e in day.exercises:
                if volume.get(muscle, 0) >= low:
                    break
                if muscle not in e.candidate.primary:
                    continue
                contributions = _contributions(e.candidate)
                while (
                    volume.get(muscle, 0) < low
                    and e.sets < max_sets
                    and all(volume[m] + w <= high for m, w in contributions.items())
                ):
                    e.sets += 1
                    if session_minutes(day.exercises, warmup=warmup) > budget:
                        e.sets -= 1
                        break
                    for m, w in contributions.items():
                        volume[m] += w


def plan_build(*, intake: Intake, library: Iterable[Candidate]) -> Plan:
    """The program for ``intake`` from ``library``: days, exercises, sets, reps and the
    reasons. Pure and deterministic: no database, no randomness."""
    notes: list[dict] = []

    def note(topic: str, text: str) -> None:
        notes.append({"topic": topic, "text": str(text)})

    scheme = GOAL_SCHEMES[intake.goal]
    low, high = VOLUME_BOUNDS[intake.level]
    days_wanted = intake.days_per_week
    cap = 4 if intake.level == "beginner" else 6
    days = min(days_wanted, cap)
    split_name, templates = SPLITS[days]
    note(
        "split",
        _("%(n)d training day(s) a week → %(split)s (%(days)s).")
        % {
            "n": days,
            "split": split_name,
            "days": ", ".join(DAY_NAMES.get(t, t) for t in templates),
        },
    )
    if days < days_wanted:
        note(
            "split",
            _("Asked for %(asked)d days; the plan uses %(n)d: %(why)s.")
            % {
                "asked": days_wanted,
                "n": days,
                "why": _("beginners progress best with rest days between sessions")
                if intake.level == "beginner"
                else _("one full rest day a week keeps recovery on track"),
            },
        )
    injuries, unknown = injuries_parse(intake.injuries)
    for rule in injuries:
        note(
            "injury",
            _("%(label)s: avoiding %(avoid)s.")
            % {"label": rule.label.capitalize(), "avoid": rule.avoid},
        )
    for text in unknown:
        note(
            "injury",
            _("Injuries “%(text)s” did not match a rule: check the exercises yourself.")
            % {"text": text},
        )
    equipment = sorted(intake.with_body_weight())
    note(
        "equipment",
        _("Only exercises that need nothing beyond: %(kit)s.") % {"kit": ", ".join(equipment)},
    )
    note(
        "goal",
        _("Goal %(goal)s: main lifts %(m0)d-%(m1)d reps, accessories %(a0)d-%(a1)d, %(why)s.")
        % {
            "goal": intake.goal.replace("_", " "),
            "m0": scheme.main_reps[0],
            "m1": scheme.main_reps[1],
            "a0": scheme.acc_reps[0],
            "a1": scheme.acc_reps[1],
            "why": scheme.why,
        },
    )
    note(
        "volume",
        _(
            "Weekly sets per muscle at %(level)s level: %(low)d-%(high)d "
            "(a set counts fully for the main muscles, half for helpers)."
        )
        % {"level": intake.level, "low": low, "high": high},
    )

    pool = []
    excluded: dict[str, int] = defaultdict(int)
    for c in sorted(library, key=lambda c: c.slug):
        why = allowed_reason(c, intake=intake, injuries=injuries)
        if why is None:
            pool.append(c)
        else:
            excluded[why] += 1
    for rule in injuries:
        if excluded.get(f"injury:{rule.key}"):
            note(
                "injury",
                _("%(n)d exercises left out for the %(label)s.")
                % {"n": excluded[f"injury:{rule.key}"], "label": rule.label},
            )

    warmup = 5 if intake.minutes < 45 else 8
    volume: dict[str, float] = defaultdict(float)
    used: set = set()
    main_sets, acc_sets = BASE_SETS[intake.level]
    budget = intake.minutes
    planned_days: list[PlannedDay] = []
    seen: dict[str, int] = defaultdict(int)
    names = [DAY_NAMES.get(t, t) for t in templates]
    for template, name in zip(templates, names, strict=True):
        seen[name] += 1
        if names.count(name) > 1:
            name = f"{name} {chr(64 + seen[name])}"
        planned_days.append(PlannedDay(name=name, template=template))
    order: dict[int, int] = {}  # id(PlannedExercise) -> slot position in its day
    # compounds first across the whole week, then isolation and trunk work: the weekly
    # volume cap and the minutes go to the big lifts before the small ones
    for roles in ((MAIN,), (ACCESSORY,), (ISOLATION, CORE)):
        if roles[0] == ISOLATION:
            _top_up(
                planned_days,
                volume=volume,
                low=low,
                high=high,
                warmup=warmup,
                budget=budget,
                max_sets=MAX_SETS_BY_LEVEL[intake.level],
            )
        for day in planned_days:
            for slot_position, slot in enumerate(DAY_TEMPLATES[day.template]):
                if slot.role not in roles:
                    continue
                planned = _place(
                    slot=slot,
                    day=day,
                    pool=pool,
                    intake=intake,
                    scheme=scheme,
                    used=used,
                    volume=volume,
                    high=high,
                    sets=main_sets if slot.role == MAIN else acc_sets,
                    warmup=warmup,
                    budget=budget,
                )
                if planned is None:
                    continue
                for m, w in _contributions(planned.candidate).items():
                    volume[m] += planned.sets * w
                used.add(planned.candidate.ref)
                order[id(planned)] = slot_position
                day.exercises.append(planned)
    for day in planned_days:
        day.exercises.sort(key=lambda e: order[id(e)])

    for muscle in MAJOR_MUSCLES:
        have = volume.get(muscle, 0)
        if have < low:
            note(
                "volume",
                _("%(muscle)s gets %(have)s sets a week, under the %(low)d aimed for: %(why)s.")
                % {
                    "muscle": muscle.capitalize(),
                    "have": _fmt(have),
                    "low": low,
                    "why": _("more days or longer sessions would allow more")
                    if pool
                    else _("the library has no exercise for it with this equipment"),
                },
            )
    for day in planned_days:
        note(
            "time",
            _("%(day)s: about %(min)d minutes (%(warm)d min warm-up; a set = reps x 4 s + rest).")
            % {"day": day.name, "min": math.ceil(day.minutes(warmup=warmup)), "warm": warmup},
        )
    note(
        "progression",
        _(
            "Weeks 1-3 build effort (%(r1)d, %(r2)d, then %(r3)d reps in reserve); "
            "week 4 deloads with fewer sets. "
            "Weeks 5-8 repeat the block with one more rep on accessories."
        )
        % {
            "r1": _rir(scheme, intake, 1),
            "r2": _rir(scheme, intake, 2),
            "r3": _rir(scheme, intake, 3),
        },
    )
    return Plan(
        intake=intake,
        split=split_name,
        days=planned_days,
        notes=notes,
        weekly_sets={m: sets for m, sets in volume.items() if sets},
        warmup=warmup,
    )


def _fmt(value: float) -> str:
    return f"{value:g}"


def _reason(c: Candidate, slot: Slot, intake: Intake, *, reused: bool) -> str:
    role = {
        MAIN: _("Main lift for the %(what)s pattern"),
        ACCESSORY: _("Accessory for the %(what)s pattern"),
        ISOLATION: _("Isolation for the %(what)s"),
        CORE: _("Trunk work (%(what)s)"),
    }[slot.role] % {"what": slot.label}
    kit = ", ".join(sorted(c.needs))
    level = c.level or "unrated"
    text = _("%(role)s: %(name)s (%(kit)s, %(level)s level).") % {
        "role": role,
        "name": c.name,
        "kit": kit,
        "level": level,
    }
    if reused:
        text += " " + _("Repeated from earlier in the week: no other exercise fits.")
    return str(text)


def _rir(scheme: Scheme, intake: Intake, week: int) -> int:
    """Reps in reserve in written week 1-3 (3 = easiest), plus one for beginners."""
    base = scheme.rir + (1 if intake.level == "beginner" else 0)
    return max(0, base + (2 - week))


# --- writing the program ---------------------------------------------------------------


@dataclass
class Generated:
    program: object  # programs.models.Program
    plan: Plan


GOAL_NAMES = {
    "strength": _("Strength"),
    "hypertrophy": _("Muscle gain"),
    "fat_loss": _("Fat loss"),
    "endurance": _("Endurance"),
    "general": _("General fitness"),
    "mobility": _("Mobility"),
}


@transaction.atomic
def program_generate(
    *,
    intake: Intake,
    by: User | None,
    client: Client | None = None,
    name: str = "",
    intake_notes: Iterable[str] = (),
    library: list[Candidate] | None = None,
) -> Generated:
    """Write the generated program as a draft: a template, or (with ``client``) the
    client's own program, not assigned yet. Reasons go to ``generator_notes``."""
    from ..models import Block, Prescription, Program, ProgramDay, ProgramWeek

    plan = plan_build(
        intake=intake, library=library if library is not None else library_candidates()
    )
    if not any(day.exercises for day in plan.days):
        raise ValidationError(
            {"equipment": _("No exercise in the library fits this equipment, level and injuries.")}
        )
    days = len(plan.days)
    title = name.strip() or (
        f"{GOAL_NAMES[intake.goal]} · {plan.split} · {days}×/week"
        + (f" · {client.first_name}".rstrip() if client is not None and client.first_name else "")
    )
    notes = [{"topic": "intake", "text": str(text)} for text in intake_notes]
    notes.append(
        {
            "topic": "intake",
            "text": str(
                _("Intake: %(goal)s, %(level)s, %(days)d days a week, %(min)d minutes%(inj)s.")
                % {
                    "goal": intake.goal.replace("_", " "),
                    "level": intake.level,
                    "days": intake.days_per_week,
                    "min": intake.minutes,
                    "inj": (_(", injuries: %(i)s") % {"i": intake.injuries})
                    if intake.injuries
                    else "",
                }
            ),
        }
    )
    notes += plan.notes
    program = Program.objects.create(
        name=title[:120],
        description=str(
            _("Generated from an intake: %(split)s, %(days)d days a week. Review it, then assign.")
            % {"split": plan.split, "days": days}
        ),
        goal=intake.goal,
        level=intake.level,
        is_template=client is None,
        client=client,
        length_weeks=8,
        generator_notes=notes,
        created_by=by,
    )
    scheme = GOAL_SCHEMES[intake.goal]
    for week_number in range(1, 5):
        deload = week_number == 4
        week = ProgramWeek.objects.create(
            program=program,
            number=week_number,
            note=str(_("Deload: fewer sets, easier effort"))
            if deload
            else str(_("Build: week %(n)d") % {"n": week_number}),
        )
        for position, planned_day in enumerate(plan.days, start=1):
            day = ProgramDay.objects.create(
                week=week,
                position=position,
                name=planned_day.name[:80],
                note="\n".join(planned_day.notes),
            )
            for block_position, e in enumerate(planned_day.exercises, start=1):
                block = Block.objects.create(
                    day=day, position=block_position, rest_after_seconds=e.rest
                )
                rir = _rir(scheme, intake, 2) + 2 if deload else _rir(scheme, intake, week_number)
                sets = max(1, math.ceil(e.sets * 0.6)) if deload else e.sets
                progression = {}
                if e.slot.role in (ISOLATION, ACCESSORY, CORE):
                    progression = {"kind": "add_reps", "step": 1, "max": e.reps[1] + 1}
                kind, ref_id = e.candidate.ref
                Prescription.objects.create(
                    block=block,
                    position=1,
                    catalog_exercise_id=ref_id if kind == "catalog" else None,
                    exercise_id=ref_id if kind == "own" else None,
                    sets=sets,
                    reps_min=e.reps[0],
                    reps_max=e.reps[1],
                    load_kind=Prescription.Load.RIR,
                    load_value=Decimal(min(rir, 10)),
                    rest_seconds=e.rest,
                    notes=e.reason[:300],
                    progression=progression,
                )
    return Generated(program=program, plan=plan)

"""The program generator's rule tables: its vocabulary, rep schemes, volume bounds,
injury rules, day templates and splits, the exercises it prefers, and how a client's
answers read. Data, not logic: the planner (``generator_planner``) applies them, in
the order ``programs.services.generator`` describes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

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


# --- the library as the generator sees it ---------------------------------------------


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


# --- day templates and splits ---------------------------------------------------------------


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


# --- reading a client's answers -------------------------------------------------------------

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


GOAL_NAMES = {
    "strength": _("Strength"),
    "hypertrophy": _("Muscle gain"),
    "fat_loss": _("Fat loss"),
    "endurance": _("Endurance"),
    "general": _("General fitness"),
    "mobility": _("Mobility"),
}

"""How an exercise is measured, guessed from its name, category and equipment: the
rule table ``programs.catalog.measurement`` reads (for the authored catalog, the
free-exercise-db import and the data migration of businesses' own exercises).

Rules are tried in order on the normalised name ("Farmer's Walk" -> "farmers walk");
the first pattern that matches (and whose categories, when given, include the
exercise's) decides. ``None`` as the kind means "not by name": the defaults below decide.
A coach can always change an exercise's kind in the library."""

TIME, DISTANCE, TIME_DISTANCE, REPS, REPS_LOAD = (
    "time", "distance", "time_distance", "reps", "reps_load",
)  # fmt: skip
CARDIO = frozenset({"cardio"})

# (pattern, kind or None, categories it applies to or None for any)
RULES: tuple[tuple[str, str | None, frozenset[str] | None], ...] = (
    # looks like a hold, a run or a carry, but is counted in reps
    (
        r"shoulder taps?|hip dips?|plank jacks?|up downs?|walkouts?|push ?ups?|pull ?ups?|"
        r"chin ?ups?|crunch|\bhang(ing)? (power )?(clean|snatch)|\bhanging (leg|knee|pike|bar)|"
        r"leg raise|knee raise|isometric wipers|\bsled (row|reverse|overhead triceps)|"
        r"\b(bench|lunge|hop) ?sprint|sprint drill|walking lunges?|lunge walk|monster walk",
        None,
        None,
    ),
    # counted, whatever the category
    (r"\bslams?\b|burpees?|jumping jacks?|star jumps|mountain climbers?|double unders", REPS, None),
    # moves filed under stretching that are counted, not held
    (
        r"circles|leg raises?|swings?|\bhops\b|lunges?\b|squats?\b|groiners|inchworm|"
        r"scissor kicks?|windmills|toe touch|torso rotation|elbows back|shoulder raise|"
        r"pelvic tilt|superman",
        REPS,
        frozenset({"stretching"}),
    ),
    # holds: planks, hangs, wall sits, isometrics, stretches, foam rolling
    (
        r"\bplanks?\b|\bholds?\b|wall sit|dead hang|\bhang$|\bl ?sit\b|isometric|side bridge|"
        r"plate pinch|crucifix|hand squeeze|foam roll|\bstretch|childs pose|downward dog",
        TIME,
        None,
    ),
    # carries, sleds, crawls and sprints: over a distance
    (
        r"\bcarry\b|\bcarries\b|farmers walk|yoke walk|waiters walk|\bsled (push|drag)|"
        r"\bsled drags?\b|(backward|forward) (sled )?drag|prowler|sled .*walk|bear crawl|"
        r"shuttle runs?|\bsprints?\b|\bsuicides\b",
        DISTANCE,
        None,
    ),
    # cardio on time: intervals, stairs, ropes, on-the-spot drills
    (
        r"air bike|assault bike|interval|\bstair|step ?mill|jump(ing)? rope|rope jump|"
        r"\bskipping\b|battle rope waves|rope waves|high knees|butt kicks|elliptical",
        TIME,
        CARDIO,
    ),
    # cardio over a distance in a time: runs, walks, rows, rides, swims
    (
        r"\brun\b|running|\bjog|\bwalk|treadmill|rowing|\brower\b|\berg\b|ski ?erg|bicycl|"
        r"cycling|\bbike\b|swim|skating|rucking|\bruck\b|hiking|trail",
        TIME_DISTANCE,
        CARDIO,
    ),
)

# after the rules: stretches are held; no load in kilograms means reps only; other
# cardio is timed; everything else is reps and load
HELD_CATEGORIES = frozenset({"stretching"})
TIMED_CATEGORIES = frozenset({"cardio"})
NO_LOAD_EQUIPMENT = frozenset({"body only", "bands", "exercise ball"})

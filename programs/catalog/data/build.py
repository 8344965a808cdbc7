"""Write ``authored.json`` from ``source/``: ``python programs/catalog/data/build.py``.

Checks the vocabulary (free-exercise-db's muscles and equipment, our categories),
that no two entries share a normalised name or alias, and reports how many names
free-exercise-db does not have (they are what the authored catalog adds to an import)."""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent.parent))

from programs.catalog.data import source  # noqa: E402
from programs.catalog.data.source import (  # noqa: E402, F401
    conditioning,
    core,
    lower,
    machines,
    power,
    pull,
    push,
)
from programs.catalog.text import EQUIPMENT, MUSCLES, normalise  # noqa: E402

CATEGORIES = {"strength", "cardio", "mobility", "stretching", "plyometric", "olympic",
              "powerlifting", "strongman", "core"}  # fmt: skip
PATTERNS = {"squat", "hinge", "lunge", "horizontal_push", "vertical_push", "horizontal_pull",
            "vertical_pull", "carry", "rotation", "core", "isolation", "gait", "other"}  # fmt: skip


def slugify(name: str) -> str:
    return normalise(name).replace(" ", "-")


def main() -> None:
    seen: dict[str, str] = {}
    out = []
    for entry in source.ENTRIES:
        problems = []
        if entry["category"] not in CATEGORIES:
            problems.append(f"category {entry['category']}")
        if entry["movement_pattern"] not in PATTERNS:
            problems.append(f"pattern {entry['movement_pattern']}")
        for muscle in entry["primary_muscles"] + entry["secondary_muscles"]:
            if muscle not in MUSCLES:
                problems.append(f"muscle {muscle!r}")
        for item in entry["equipment"]:
            if item not in EQUIPMENT:
                problems.append(f"equipment {item!r}")
        if not 3 <= len(entry["instructions"]) <= 6:
            problems.append(f"{len(entry['instructions'])} steps")
        if not 2 <= len(entry["cues"]) <= 4:
            problems.append(f"{len(entry['cues'])} cues")
        for text in [entry["name"], *entry["aliases"]]:
            key = normalise(text)
            if key in seen and seen[key] != entry["name"]:
                problems.append(f"{text!r} also names {seen[key]!r}")
            seen[key] = entry["name"]
        if problems:
            raise SystemExit(f"{entry['name']}: " + "; ".join(problems))
        out.append({"slug": slugify(entry["name"]), **entry})
    (HERE / "authored.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    fedb = HERE.parent.parent.parent.parent / "shared/data/free-exercise-db/exercises.json"
    note = ""
    if fedb.exists():
        theirs = {normalise(item["name"]) for item in json.loads(fedb.read_text())}
        new = [e for e in out if not ({normalise(t) for t in [e["name"], *e["aliases"]]} & theirs)]
        note = f"; {len(new)} not in free-exercise-db ({len(theirs)} there)"
    print(f"{len(out)} exercises written{note}")


if __name__ == "__main__":
    main()

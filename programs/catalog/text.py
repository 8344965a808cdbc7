"""Search keys for exercise names: the one place that says how a name is normalised."""

import re
import unicodedata

_NOT_WORD = re.compile(r"[^a-z0-9]+")

MUSCLES = (
    "abdominals", "abductors", "adductors", "biceps", "calves", "chest", "forearms", "glutes",
    "hamstrings", "lats", "lower back", "middle back", "neck", "quadriceps", "shoulders",
    "traps", "triceps",
)  # fmt: skip
EQUIPMENT = (
    "body only", "barbell", "dumbbell", "kettlebells", "cable", "machine", "bands",
    "medicine ball", "exercise ball", "e-z curl bar", "foam roll", "other",
)  # fmt: skip


def normalise(text: str) -> str:
    """Lower case, accents and punctuation removed, single spaces:
    "Push-Up (Wide)" -> "push up wide", "Zottman Curl" -> "zottman curl"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    plain = plain.replace("'", "").replace("\u2019", "")  # farmer's -> farmers
    return _NOT_WORD.sub(" ", plain).strip()


def compact(text: str) -> str:
    """The normalised text without spaces, so "benchpress" meets "bench press"."""
    return normalise(text).replace(" ", "")


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]  # presses, crunches, boxes
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def variant_key(text: str) -> str:
    """What names that differ only by plural, hyphen, spaces or punctuation share:
    "Push-Up", "Pushups" and "push ups" -> "pushup"; "Lying Leg Curls" -> "lyinglegcurl".
    Spelling stays significant ("Dumbell Curl" is not "Dumbbell Curl")."""
    return "".join(_singular(word) for word in normalise(text).split())


def search_text_for(name: str, aliases: list[str]) -> str:
    """``| name | namecompact | alias | aliascompact |``: every entry and every word starts
    after a space, so one LIKE finds a name, alias or word prefix (trigram-indexed)."""
    entries: list[str] = []
    for text in (name, *aliases):
        for key in (normalise(text), compact(text)):
            if key and key not in entries:
                entries.append(key)
    return "| " + " | ".join(entries) + " |"


def words_of(*texts: str) -> set[str]:
    """The dictionary words of names and aliases (for typo matching), compact forms included."""
    words: set[str] = set()
    for text in texts:
        key = normalise(text)
        words.update(word for word in key.split() if len(word) >= 2)
        if " " in key:
            words.add(key.replace(" ", ""))
    return words

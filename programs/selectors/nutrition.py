"""Reads of the food list: a typo-tolerant search by name, with the same rules as the
exercise library's (each word starts a word of the name or is one slip from one)."""

from __future__ import annotations

from dataclasses import dataclass

from mectofitness.core.fuzzy import one_slip_apart
from programs.catalog.text import normalise
from programs.models import Food

FOOD_RESULTS = 8


@dataclass(frozen=True)
class FoodMatch:
    food: Food
    score: float
    is_exact: bool


def _word_score(word: str, name_words: list[str]) -> float:
    """3: a word of the name; 2: the start of one; 1.5: one slip from one (or from the
    start of one, for a word being typed); 0: none."""
    best = 0.0
    for candidate in name_words:
        if candidate == word:
            return 3.0
        if candidate.startswith(word):
            best = max(best, 2.0)
        elif len(word) >= 3 and (
            one_slip_apart(word, candidate)
            or one_slip_apart(word, candidate[: len(word)])
            or one_slip_apart(word, candidate[: len(word) + 1])
        ):
            best = max(best, 1.5)
    return best


def food_search(*, query: str, limit: int = FOOD_RESULTS) -> list[FoodMatch]:
    """Foods a person can pick whose name (or brand) has every word of ``query``, spelt
    as typed or with one slip per word ("banan", "bananna", "greek yoghurt"), best
    first: the name itself, then names whose words all matched, then more exact words,
    then shorter names. One query (the list is a hundred or so rows)."""
    from programs.services.nutrition import food_choices

    words = normalise(query).split()
    if not words:
        return []
    matches = []
    for food in food_choices():
        key = normalise(food.name)
        name_words = key.split() + normalise(food.brand).split()
        scores = [_word_score(word, name_words) for word in words]
        if not all(scores):
            continue
        is_exact = key == " ".join(words)
        covered = len(words) >= len(key.split())  # no word of the name left over
        score = sum(scores) + (10 if is_exact else 0) + (1 if covered else 0)
        matches.append(FoodMatch(food=food, score=score, is_exact=is_exact))
    matches.sort(key=lambda m: (-m.score, len(m.food.name), m.food.name))
    return matches[:limit]


def food_meant(*, query: str) -> tuple[Food | None, list[Food]]:
    """(the food ``query`` names, when one stands out; the candidates otherwise): a name
    as typed or one clear best match ("bananna" -> Banana); several equally good
    ("bread") or none -> (None, the best few)."""
    matches = food_search(query=query)
    if not matches:
        return None, []
    best = matches[0]
    if best.is_exact or len(matches) == 1 or best.score > matches[1].score:
        return best.food, []
    return None, [m.food for m in matches]

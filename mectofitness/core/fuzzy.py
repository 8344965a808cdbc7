"""Typo tolerance for searches by name (exercises, clients): which words of a dictionary
are one slip of the finger away from what a person typed, and the seeded slips that
``make bench`` and the tests measure recall with.

One slip is a letter dropped, doubled (or any letter added), swapped with its
neighbour, or replaced: the optimal-string-alignment distance of 1."""

from __future__ import annotations

import bisect
import random
from collections.abc import Iterable

LETTERS = "abcdefghijklmnopqrstuvwxyz"
TYPO_KINDS = ("drop", "double", "swap", "replace")


def deletions(word: str) -> set[str]:
    """``word`` with one letter left out, every way."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def one_slip_apart(a: str, b: str) -> bool:
    """True when ``b`` is ``a`` with at most one letter dropped, added, replaced or two
    neighbours swapped."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    start = 0
    while start < min(la, lb) and a[start] == b[start]:
        start += 1
    if la == lb:
        if a[start + 1 :] == b[start + 1 :]:
            return True  # replaced
        return (
            start + 1 < la
            and a[start] == b[start + 1]
            and a[start + 1] == b[start]
            and a[start + 2 :] == b[start + 2 :]
        )  # swapped
    if la > lb:
        return a[start + 1 :] == b[start:]
    return b[start + 1 :] == a[start:]


def edits(word: str, alphabet: str = LETTERS) -> set[str]:
    """Every string one slip away from ``word`` (a few hundred): for looking them up in an
    index the database already has, instead of holding a dictionary in memory."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    found = {a + b[1:] for a, b in splits if b}
    found |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    found |= {a + c + b[1:] for a, b in splits if b for c in alphabet}
    found |= {a + c + b for a, b in splits for c in alphabet}
    found.discard(word)
    return found


class WordIndex:
    """A dictionary of words with how many names carry each, indexed by every one-letter
    deletion (symmetric delete), so the words one slip from a query are found with a
    dozen dict lookups whatever the dictionary's size."""

    def __init__(self, counts: dict[str, int]):
        self.counts = dict(counts)
        self.sorted = sorted(self.counts)
        self.by_key: dict[str, list[str]] = {}
        for word in self.sorted:
            for key in deletions(word) | {word}:
                self.by_key.setdefault(key, []).append(word)

    def __contains__(self, word: str) -> bool:
        return word in self.counts

    def knows_prefix(self, prefix: str) -> bool:
        at = bisect.bisect_left(self.sorted, prefix)
        return at < len(self.sorted) and self.sorted[at].startswith(prefix)

    def near(self, word: str, limit: int = 4) -> list[str]:
        """Words one slip from ``word`` (itself excluded), the most common first."""
        found: set[str] = set()
        for key in deletions(word) | {word}:
            found.update(self.by_key.get(key, ()))
        found.discard(word)
        near = [w for w in found if one_slip_apart(word, w)]
        near.sort(key=lambda w: (-self.counts[w], w))
        return near[:limit]


def misspell(word: str, kind: str, rng: random.Random) -> str:
    """``word`` with one slip of ``kind`` (see ``TYPO_KINDS``) at a random place; the
    result always differs from ``word`` when the word has two letters or more."""
    if kind == "drop" and len(word) >= 2:
        at = rng.randrange(len(word))
        return word[:at] + word[at + 1 :]
    if kind == "double" and word:
        at = rng.randrange(len(word))
        return word[: at + 1] + word[at] + word[at + 1 :]
    if kind == "swap" and len(word) >= 2:
        pairs = [i for i in range(len(word) - 1) if word[i] != word[i + 1]]
        if pairs:
            at = rng.choice(pairs)
            return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if word:
        at = rng.randrange(len(word))
        letter = rng.choice([c for c in LETTERS if c != word[at]])
        return word[:at] + letter + word[at + 1 :]
    return word


def misspellings(names: Iterable[str], *, seed: int) -> list[tuple[str, str]]:
    """``(name, misspelt)`` for each name (normalised: lower case, single spaces): one
    word of two letters or more given one slip, the four kinds in turn, words and places
    drawn from ``seed`` (the same list every run)."""
    rng = random.Random(seed)
    pairs = []
    for number, name in enumerate(names):
        parts = name.split(" ")
        candidates = [i for i, part in enumerate(parts) if len(part) >= 2]
        if not candidates:
            continue
        at = rng.choice(candidates)
        kind = TYPO_KINDS[number % len(TYPO_KINDS)]
        parts[at] = misspell(parts[at], kind, rng)
        pairs.append((name, " ".join(parts)))
    return pairs

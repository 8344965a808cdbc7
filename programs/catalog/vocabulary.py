"""Typo matching for exercise search: the catalog's words, held in each process, with
two indexes: one-slip neighbours (``mectofitness.core.fuzzy.WordIndex``: "jupm" -> "jump")
and trigrams (the same trigrams and similarity as PostgreSQL's pg_trgm) for the rest."""

from __future__ import annotations

import bisect
import time
from collections import Counter

from mectofitness.core.fuzzy import WordIndex

from .models import CatalogExercise
from .text import normalise, words_of

SIMILARITY = 0.3  # pg_trgm's default threshold


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of one word: "  w", " wo", ..., "rd " (for similarity)."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class Vocabulary:
    """The catalog's words with a trigram index, held in each process: the catalog only
    changes on deploys and imports, so it is re-read at most every ``TTL`` seconds (one
    query of a couple of thousand short rows) instead of asking the database per search."""

    TTL = 300.0

    def __init__(self, names):
        """``names``: ``(name, aliases)`` of every exercise. Kept: each word with the
        entries that carry it (a word many names carry is the likelier meaning of a slip;
        a correction is only worth trying if some entry has all its words), and how many
        names contain each name ("bench press" is in a dozen, "bench dip" in one: the
        plain lift first)."""
        self.postings: dict[str, set[int]] = {}
        phrases: Counter[str] = Counter()
        keys = []
        for number, (name, aliases) in enumerate(names):
            for word in words_of(name, *(aliases or [])):
                self.postings.setdefault(word, set()).add(number)
            key = normalise(name)
            keys.append(key)
            parts = key.split()
            phrases.update(
                {
                    " ".join(parts[i:j])
                    for i in range(len(parts))
                    for j in range(i + 1, len(parts) + 1)
                }
            )
        self.popularity = {key: phrases[key] for key in keys}
        self.popularity_by_id: dict[int, int] = {}  # filled for the catalog's entries
        self.near_index = WordIndex({w: len(entries) for w, entries in self.postings.items()})
        self.words = self.near_index.sorted
        self.index: dict[str, list[int]] = {}
        self.sizes = []
        for number, word in enumerate(self.words):
            grams = trigrams(word)
            self.sizes.append(len(grams))
            for gram in grams:
                self.index.setdefault(gram, []).append(number)
        self.loaded = time.monotonic()

    def knows(self, word: str) -> bool:
        return word in self.near_index

    def knows_prefix(self, word: str) -> bool:
        return self.near_index.knows_prefix(word)

    def near(self, word: str, limit: int = 4) -> list[str]:
        """Words one slip from ``word``, the most common first."""
        return self.near_index.near(word, limit)

    def entries_with(self, word: str) -> set[int]:
        """The entries with a word starting with ``word`` (as the search's LIKE matches)."""
        found: set[int] = set()
        at = bisect.bisect_left(self.words, word)
        while at < len(self.words) and self.words[at].startswith(word):
            found |= self.postings[self.words[at]]
            at += 1
        return found

    def has_all(self, words: list[str]) -> bool:
        """Whether some entry has a word starting with each of ``words``."""
        common: set[int] | None = None
        for word in sorted((w for w in words if len(w) >= 2), key=len, reverse=True):
            entries = self.entries_with(word)
            common = entries if common is None else common & entries
            if not common:
                return False
        return True

    def similar(self, word: str, limit: int = 3) -> list[tuple[str, float]]:
        grams = trigrams(word)
        shared: dict[int, int] = {}
        for gram in grams:
            for number in self.index.get(gram, ()):
                shared[number] = shared.get(number, 0) + 1
        scored = [
            (count / (len(grams) + self.sizes[number] - count), self.words[number])
            for number, count in shared.items()
        ]
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        return [(w, score) for score, w in scored[:limit] if score >= SIMILARITY]


_cache: dict[str, Vocabulary] = {}


def catalog_vocabulary() -> Vocabulary:
    """The catalog's words (those of ``CatalogWord``) and names, re-read at most every
    ``TTL`` seconds: one query."""

    current = _cache.get("catalog")
    if current is None or time.monotonic() - current.loaded > Vocabulary.TTL:
        rows = list(CatalogExercise.objects.values_list("pk", "name", "aliases"))
        current = Vocabulary((name, aliases) for _pk, name, aliases in rows)
        current.popularity_by_id = {
            pk: current.popularity.get(normalise(name), 0) for pk, name, _aliases in rows
        }
        _cache["catalog"] = current
    return current


def catalog_vocabulary_reset() -> None:
    """Forget the cached dictionary (after this process changed the catalog)."""
    _cache.clear()

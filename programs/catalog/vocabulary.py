"""Typo matching for exercise search: the catalog's words with a trigram index (the
same trigrams and similarity as PostgreSQL's pg_trgm), held in each process."""

from __future__ import annotations

import bisect
import time

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

    def __init__(self, words):
        self.words = sorted(set(words))
        self.index: dict[str, list[int]] = {}
        self.sizes = []
        for number, word in enumerate(self.words):
            grams = trigrams(word)
            self.sizes.append(len(grams))
            for gram in grams:
                self.index.setdefault(gram, []).append(number)
        self.loaded = time.monotonic()

    def knows_prefix(self, word: str) -> bool:
        at = bisect.bisect_left(self.words, word)
        return at < len(self.words) and self.words[at].startswith(word)

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
    """The catalog's dictionary (``CatalogWord``), re-read at most every ``TTL`` seconds."""
    from .models import CatalogWord

    current = _cache.get("catalog")
    if current is None or time.monotonic() - current.loaded > Vocabulary.TTL:
        current = _cache["catalog"] = Vocabulary(CatalogWord.objects.values_list("word", flat=True))
    return current


def catalog_vocabulary_reset() -> None:
    """Forget the cached dictionary (after this process changed the catalog)."""
    _cache.clear()

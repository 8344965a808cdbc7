"""One slip of the finger (mectofitness.core.fuzzy): what counts as one, the seeded
misspellings the recall tests and ``make bench`` use, and the one-slip index."""

import random

from hypothesis import given
from hypothesis import strategies as st

from mectofitness.core.fuzzy import (
    TYPO_KINDS,
    WordIndex,
    edits,
    misspell,
    misspellings,
    one_slip_apart,
)

words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=12)


@given(words, st.sampled_from(TYPO_KINDS), st.integers(0, 2**32))
def test_every_kind_of_slip_is_one_slip_from_the_word(word, kind, seed):
    slipped = misspell(word, kind, random.Random(seed))
    assert one_slip_apart(word, slipped)
    assert one_slip_apart(slipped, word)


@given(words, st.sampled_from(TYPO_KINDS), st.integers(0, 2**32))
def test_the_index_finds_the_word_behind_any_one_slip(word, kind, seed):
    slipped = misspell(word, kind, random.Random(seed))
    index = WordIndex({word: 1, "unrelated": 5})
    if slipped != word:
        assert word in index.near(slipped)


@given(words)
def test_edits_are_exactly_the_one_slip_strings(word):
    for other in edits(word):
        assert one_slip_apart(word, other)
    assert word not in edits(word)


def test_two_slips_are_not_one():
    assert not one_slip_apart("jump", "jmpu")
    assert not one_slip_apart("iron", "noir")
    assert not one_slip_apart("squat", "squatss")
    assert one_slip_apart("iron", "iorn") and one_slip_apart("smith", "simth")


def test_misspellings_are_the_same_every_run_and_use_all_four_kinds():
    names = [f"seated cable row {n}" for n in range(40)]
    first = misspellings(names, seed=3)
    assert first == misspellings(names, seed=3)
    assert all(query != name for name, query in first)
    # each kind changes the length its own way: dropped -1, doubled +1, swapped/replaced 0
    lengths = {len(query) - len(name) for name, query in first}
    assert lengths == {-1, 0, 1}


def test_near_puts_the_commoner_word_first():
    index = WordIndex({"row": 40, "raw": 1, "rows": 3})
    assert index.near("rw") == ["row", "raw"]
    assert index.near("roww")[0] == "row"

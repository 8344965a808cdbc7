"""Reads of the exercise library: what a business sees (the shared catalog minus its
hidden entries and minus the entries it has copied, plus its own exercises), and a
ranked, typo-tolerant search over it.

Keys: a catalog entry is ``c-<id>``, a business's own exercise ``b-<id>``; the API and
the pages use them so one URL scheme serves both kinds."""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import QuerySet

from programs.catalog.models import CatalogExercise, Category
from programs.catalog.text import EQUIPMENT, MUSCLES, compact, normalise
from programs.catalog.vocabulary import Vocabulary, catalog_vocabulary
from programs.models import Exercise, ExerciseHide

PAGE_SIZE = 20
MAX_QUERY = 100
FUZZY_VARIANTS = 4
MAX_COMBINATIONS = 500  # spellings of a whole query weighed (many misspelt words: fewer each)


@dataclass(frozen=True)
class LibraryFilters:
    muscle: str = ""
    equipment: str = ""
    category: str = ""


@dataclass
class LibraryPage:
    results: list  # CatalogExercise and Exercise rows, each with .key, .is_own, .is_hidden
    has_more: bool
    query: str


def exercise_key(exercise) -> str:
    return f"b-{exercise.pk}" if isinstance(exercise, Exercise) else f"c-{exercise.pk}"


def library_filters(*, muscle: str = "", equipment: str = "", category: str = "") -> LibraryFilters:
    """Checked filters; ValidationError keyed by field for values outside the vocabulary."""
    errors = {}
    muscle, equipment, category = (v.strip().lower() for v in (muscle, equipment, category))
    if muscle and muscle not in MUSCLES:
        errors["muscle"] = f"Unknown muscle. Choose one of: {', '.join(MUSCLES)}."
    if equipment and equipment not in EQUIPMENT:
        errors["equipment"] = f"Unknown equipment. Choose one of: {', '.join(EQUIPMENT)}."
    if category and category not in Category.values:
        errors["category"] = f"Unknown category. Choose one of: {', '.join(Category.values)}."
    if errors:
        raise ValidationError(errors)
    return LibraryFilters(muscle=muscle, equipment=equipment, category=category)


def catalog_visible() -> QuerySet[CatalogExercise]:
    """Catalog entries this business shows: not hidden and not replaced by its own copy.
    Two small anti-join subqueries on this business's tables; runs in the tenant schema."""
    copied = Exercise.objects.filter(catalog__isnull=False, archived_at__isnull=True)
    return CatalogExercise.objects.exclude(
        pk__in=ExerciseHide.objects.values("catalog_exercise_id")
    ).exclude(pk__in=copied.values("catalog_id"))


def catalog_hidden() -> QuerySet[CatalogExercise]:
    return CatalogExercise.objects.filter(pk__in=ExerciseHide.objects.values("catalog_exercise_id"))


def own_exercises() -> QuerySet[Exercise]:
    return Exercise.objects.filter(archived_at__isnull=True)


OWN_WORDS_TTL = 30.0
_own_words: dict[str, Vocabulary] = {}


def own_vocabulary() -> Vocabulary:
    """This business's own exercises' words, held per process for ``OWN_WORDS_TTL``
    seconds (the services forget them at once in the process that changed them)."""
    schema = connection.schema_name
    current = _own_words.get(schema)
    if current is None or time.monotonic() - current.loaded > OWN_WORDS_TTL:
        rows = Exercise.objects.filter(archived_at__isnull=True).values_list("name", "aliases")
        current = Vocabulary(rows)
        _own_words[schema] = current
    return current


def own_vocabulary_reset() -> None:
    _own_words.pop(connection.schema_name, None)


def _corrections(
    words: list[str], *, include_own: bool, known_too: bool = False
) -> list[list[tuple[str, float]]]:
    """For each query word, what it may have meant, likeliest first (score 0-1).

    A whole word of some name is taken as typed (unless ``known_too``: then its
    neighbours follow it). Otherwise the words one slip away (a letter dropped, added,
    swapped or replaced: "jupm" -> "jump", "barbel" -> "barbell"), after the word itself
    when some name has a word starting with it ("benc"); failing those, up to three
    words of similar trigrams ("sqaut" -> "squat"). Both dictionaries (the catalog's
    and this business's own exercises') are held in memory, see ``Vocabulary``."""
    vocabularies = _vocabularies(include_own)
    options = []
    for word in words:
        known = any(v.knows(word) for v in vocabularies)
        if known and not known_too:
            options.append([(word, 1.0)])
            continue
        choices = [(word, 1.0)] if known else []
        if not known and any(v.knows_prefix(word) for v in vocabularies):
            choices.append((word, 0.95))
        for vocabulary in vocabularies:
            choices += [(near, 0.9) for near in vocabulary.near(word, limit=12)]
        if not choices and len(word) >= 3:
            found = sorted(
                (pair for v in vocabularies for pair in v.similar(word)), key=lambda p: -p[1]
            )
            choices = [(near, 0.8 * score) for near, score in found[:3]]
        choices.append((word, 0.5))  # as typed: another word may be the slip
        seen: set[str] = set()
        options.append([c for c in choices if not (c[0] in seen or seen.add(c[0]))])
    return options


def _vocabularies(include_own: bool) -> list[Vocabulary]:
    return [catalog_vocabulary(), own_vocabulary()] if include_own else [catalog_vocabulary()]


def _variants(text: str, options: list[list[tuple[str, float]]], *, include_own: bool) -> list[str]:
    """The likeliest spellings of the whole query other than ``text`` itself: the
    combinations of the words' options that some exercise has all the words of ("stir
    the ot" -> "stir the pot", not "stir the on"), best total score first."""
    vocabularies = _vocabularies(include_own)
    options = [list(choices) for choices in options]
    while math.prod(len(choices) for choices in options) > MAX_COMBINATIONS:
        max(options, key=len).pop()  # the likeliest spellings of each word are first
    combos = sorted(itertools.product(*options), key=lambda combo: -sum(s for _w, s in combo))
    variants = []
    for combo in combos:
        variant = " ".join(w for w, _s in combo)
        if variant == text or variant in variants:
            continue
        if any(v.has_all(variant.split()) for v in vocabularies):
            variants.append(variant)
            if len(variants) == FUZZY_VARIANTS:
                break
    return variants


COLUMNS = (
    "id", "name", "aliases", "category", "movement_pattern", "primary_muscles",
    "secondary_muscles", "equipment", "mechanics", "force", "level", "instructions", "cues",
    "images", "video_url",
)  # fmt: skip


class _Sql:
    """One search as a single UNION ALL statement (catalog and own exercises), built as
    text with parameters: compiling the same ranking through the ORM cost more than
    running it. Only normalised text ([a-z0-9 ]) reaches the LIKE patterns."""

    def __init__(self):
        self.params: list = []

    def p(self, value) -> str:
        self.params.append(value)
        return "%s"

    def all_words(self, words: list[str]) -> str:
        return " AND ".join(f"search_text LIKE {self.p(f'% {w}%')}" for w in words)

    def name_words(self, words: list[str]) -> str:
        return " AND ".join(f"(' ' || search_name) LIKE {self.p(f'% {w}%')}" for w in words)

    @staticmethod
    def tiers(text: str, position: int) -> list[tuple[int, str, list]]:
        """The tiers one spelling (``position`` 0: as typed, 1...: corrected) reaches,
        as ``(10 * tier + position, condition, its parameters)``: a corrected spelling
        that is a whole name beats a match of the typed words anywhere ("barbel row" ->
        "Barbell Row", an alias of "Barbell Bent-Over Row", before "Barbell Rear Delt
        Row")."""
        words = text.split()
        conditions = [
            (0, lambda q: f"search_name = {q.p(text)}"),
            (0, lambda q: f"replace(search_name, ' ', '') = {q.p(compact(text))}"),
            (1, lambda q: f"search_text LIKE {q.p(f'%| {text} |%')}"),
            (2, lambda q: f"search_name LIKE {q.p(text + '%')}"),
            (3, lambda q: f"search_text LIKE {q.p(f'%| {text}%')}"),
            (4, lambda q: q.name_words(words)),
            (5, lambda q: q.all_words(words)),
        ]
        if position == 0 and len(text) >= 3:
            conditions.append((6, lambda q: f"search_text LIKE {q.p(f'%{text}%')}"))
        tiers = []
        for tier, build in conditions:
            part = _Sql()
            tiers.append((10 * tier + position, build(part), part.params))
        return tiers

    def ranking(self, text: str, variants: list[str]) -> tuple[str, str]:
        """(rank expression, match condition): exact name (or the name run together:
        "benchpress"), exact alias, name prefix, alias prefix, every word starting a word
        of the name, of the name or an alias, inside a name; each tier for the text as
        typed, then for each corrected spelling (the CASE takes the first that holds,
        so the tiers are written best first)."""
        if not text:
            return "0", "TRUE"
        tiers = self.tiers(text, 0)
        for position, variant in enumerate(variants, start=1):
            tiers += self.tiers(variant, position)
        tiers.sort(key=lambda tier: tier[0])
        # placeholders are filled in order: every tier first (the CASE), then the matches
        whens = []
        for rank, condition, params in tiers:
            whens.append(f"WHEN {condition} THEN {rank}")
            self.params += params
        match = [f"({self.all_words(text.split())})"]
        if len(text) >= 3:
            match.append(f"search_text LIKE {self.p(f'%{text}%')}")
        match += [f"({self.all_words(variant.split())})" for variant in variants]
        return f"CASE {' '.join(whens)} ELSE 99 END", " OR ".join(match)

    def filters(self, filters: LibraryFilters) -> str:
        parts = []
        if filters.muscle:
            one, two = self.p([filters.muscle]), self.p([filters.muscle])
            parts.append(
                f"(primary_muscles @> {one}::varchar(40)[]"
                f" OR secondary_muscles @> {two}::varchar(40)[])"
            )
        if filters.equipment:
            parts.append(f"equipment @> {self.p([filters.equipment])}::varchar(40)[]")
        if filters.category:
            parts.append(f"category = {self.p(filters.category)}")
        return " AND ".join(parts) or "TRUE"


def _search_rows(
    text: str, variants: list[str], filters: LibraryFilters, *, own: bool, hidden: bool, need: int
) -> list:
    """The best ``need`` matches on each side, as model instances with ``rank``."""
    catalog_table = CatalogExercise._meta.db_table
    own_table = Exercise._meta.db_table
    hide_table = ExerciseHide._meta.db_table
    columns = ", ".join(COLUMNS)
    order = "rank, imported, length(name), name" if text else "lower(name), id"
    parts = []
    for side in ("c", "b") if own else ("c",):
        sql = _Sql()
        rank, match = sql.ranking(text, variants)
        if side == "c":
            hidden_ids = f"SELECT catalog_exercise_id FROM {hide_table}"
            scope = f"id IN ({hidden_ids})" if hidden else (
                f"id NOT IN ({hidden_ids}) AND id NOT IN (SELECT catalog_id FROM {own_table}"
                " WHERE catalog_id IS NOT NULL AND archived_at IS NULL)"
            )  # fmt: skip
            imported = f"source = '{CatalogExercise.Source.FREE_EXERCISE_DB.value}'"
            select = f"SELECT 'c' AS kind, NULL::bigint AS catalog_id, {imported} AS imported"
            select += f", {columns}"
            table = catalog_table
        else:
            scope = "archived_at IS NULL"
            select = f"SELECT 'b' AS kind, catalog_id, FALSE AS imported, {columns}"
            table = own_table
        part = (
            f"({select}, {rank} AS rank FROM {table}"
            f" WHERE {scope} AND ({match}) AND {sql.filters(filters)}"
            f" ORDER BY {order} LIMIT {int(need)})"
        )
        parts.append((part, sql.params))
    statement = " UNION ALL ".join(part for part, _params in parts)
    params = [value for _part, values in parts for value in values]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    results = []
    for kind, catalog_id, imported, *values, rank in rows:
        fields = dict(zip(COLUMNS, values, strict=True))
        if kind == "c":
            row = CatalogExercise(**fields)
        else:
            row = Exercise(catalog_id=catalog_id, **fields)
        row._state.adding, row._state.db = False, "default"
        row.rank, row.imported = rank, imported
        results.append(row)
    # Exact names and aliases first; then, among names that start with or contain the
    # words, the plain lift (the name most others contain: "Bench Press" before
    # "Bench Dip"), the authored catalog (common lifts, aliases written for them)
    # before imported entries; own exercises first among equals (the business wrote
    # or edited them)
    if text:
        vocabulary = catalog_vocabulary()

        def popularity(row) -> int:
            if isinstance(row, CatalogExercise):
                return vocabulary.popularity.get(normalise(row.name), 0)
            # a business's copy of a catalog entry stands where the entry stood
            return vocabulary.popularity_by_id.get(row.catalog_id, 0)

        def order(row):
            tier = row.rank // 10
            group = {0: 0, 1: 1, 2: 2, 4: 2, 3: 3, 5: 3}.get(tier, tier - 2)  # names, aliases
            common = -popularity(row) if group == 2 else 0
            return (group, common, row.rank, row.imported, len(row.name))

        results.sort(key=lambda r: (*order(r), isinstance(r, CatalogExercise), r.name))
    else:
        results.sort(key=lambda r: (r.name.lower(), isinstance(r, CatalogExercise), r.pk))
    return results


def exercise_search(
    *,
    query: str = "",
    filters: LibraryFilters | None = None,
    limit: int = PAGE_SIZE,
    offset: int = 0,
    include_own: bool = True,
    hidden: bool = False,
) -> LibraryPage:
    """The library page for ``query``, best match first (alphabetical without a query).

    One query (catalog and own exercises together): when a word of the query is no word
    of any name, the likely spellings (see ``_corrections``; the dictionaries are held in
    memory) are searched in the same query, ranked after the typed text's matches of the
    same tier. When nothing matches at all, one more query tries the words one slip
    from whole words too ("hack" for "back"). ``hidden=True`` lists the hidden catalog
    entries instead (for staff who want to unhide one).
    See ``make bench`` (exercise_search_ms, exercise_search_recall)."""
    filters = filters or LibraryFilters()
    text = normalise(query)[:MAX_QUERY]
    own = include_own and not hidden
    need = offset + limit + 1
    words = text.split()
    variants = (
        _variants(text, _corrections(words, include_own=own), include_own=own) if text else []
    )
    rows = _search_rows(text, variants, filters, own=own, hidden=hidden, need=need)
    if text and not rows:  # nothing spelt like that: a slip may have made another word
        wider = _corrections(words, include_own=own, known_too=True)
        wider = _variants(text, wider, include_own=own)
        if wider != variants:
            rows = _search_rows(text, wider, filters, own=own, hidden=hidden, need=need)
    page = rows[offset : offset + limit]
    for row in page:
        row.key = exercise_key(row)
        row.is_own = isinstance(row, Exercise)
        row.is_hidden = hidden
    return LibraryPage(results=page, has_more=len(rows) > offset + limit, query=query)


def exercise_get(*, key: str, include_hidden: bool = False):
    """The exercise behind ``key`` if this business shows it (None otherwise).
    ``include_hidden`` lets staff open a hidden or copied catalog entry too."""
    kind, _sep, number = (key or "").partition("-")
    if not number.isdigit() or len(number) > 18:
        return None
    if kind == "b":
        row = own_exercises().filter(pk=int(number)).select_related("catalog").first()
    elif kind == "c":
        source = CatalogExercise.objects.all() if include_hidden else catalog_visible()
        row = source.filter(pk=int(number)).first()
    else:
        return None
    if row is not None:
        row.key = exercise_key(row)
        row.is_own = kind == "b"
        row.is_hidden = (
            kind == "c" and ExerciseHide.objects.filter(catalog_exercise_id=row.pk).exists()
        )
    return row


def own_copy_of(*, catalog_exercise: CatalogExercise) -> Exercise | None:
    return own_exercises().filter(catalog=catalog_exercise).first()


def exercise_best_match(*, name: str):
    """The library exercise a person most likely meant by ``name`` (typo-tolerant, the
    business's own exercises included), or None when nothing comes close."""
    name = name.strip()
    if not name:
        return None
    page = exercise_search(query=name, limit=1)
    return page.results[0] if page.results else None

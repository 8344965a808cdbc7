"""Reads about clients that the back office, the API and the portal share.

Who may see which client is decided here, in querysets, and nowhere else:
the owner sees every client, a coach the clients assigned to them (as
primary coach or sharing), a client their own record only.
"""

import datetime as dt
import zoneinfo
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, Greatest, Reverse, RowNumber
from django.utils import timezone

from accounts.models import Invitation, User
from accounts.policies import is_coach, is_owner
from mectofitness.core.fuzzy import WordIndex
from mectofitness.db.lookups import AnyOf, id_array

from .models import (
    Assignment,
    Client,
    ClientNote,
    ClientStatusChange,
    Measurement,
    ProgressPhoto,
    Response,
    ResponseFile,
    SearchWord,
    Tag,
    digits,
    normalise,
)

SEARCH_LIMIT = 20


def client_queryset_for(*, user: User, include_archived: bool = True) -> QuerySet[Client]:
    """The clients ``user`` may see (no query until evaluated): the owner, everyone; a
    coach, the clients assigned to them; a client, their own record while it is not
    archived (``accounts.policies.portal_client``)."""
    clients = Client.objects.all()
    if not include_archived:
        clients = clients.exclude(status=Client.Status.ARCHIVED)
    if is_owner(user):
        return clients
    if is_coach(user):
        # a subquery, not a join: no duplicates and the queryset stays updatable
        shared = Client.coaches.through.objects.filter(user_id=user.pk).values("client_id")
        return clients.filter(Q(primary_coach_id=user.pk) | Q(pk__in=shared))
    if user.is_authenticated and user.is_active and not user.is_staff:
        return clients.filter(user_id=user.pk).exclude(status=Client.Status.ARCHIVED)
    return clients.none()


def clients_with_tags_and_coaches(*, clients: QuerySet[Client]) -> QuerySet[Client]:
    """``clients``, each with its tag names (``tag_names``) and its other coaches' ids
    (``coach_ids``, in the coaches' own order) read in the same query: for a list that
    wants names and ids, not objects to prefetch (the API's client list).

    The two are written as SQL over the client's own row, ``clients_client.id``: built
    in microseconds where the ORM's subqueries take a millisecond a request. So the
    queryset must be evaluated as itself, not used inside another query (which would
    rename that table)."""
    qn = connection.ops.quote_name
    client = qn(Client._meta.db_table)
    tag, client_tags = qn(Tag._meta.db_table), qn(Client.tags.through._meta.db_table)
    user, client_coaches = qn(User._meta.db_table), qn(Client.coaches.through._meta.db_table)
    coach_order = ", ".join(
        f"u.{qn(User._meta.get_field(name.lstrip('-')).column)}"
        + (" DESC" if name.startswith("-") else "")
        for name in User._meta.ordering
    )
    return clients.annotate(
        tag_names=RawSQL(
            f"ARRAY(SELECT t.name FROM {tag} t JOIN {client_tags} ct ON ct.tag_id = t.id"
            f" WHERE ct.client_id = {client}.id)",
            (),
        ),
        coach_ids=RawSQL(
            f"ARRAY(SELECT u.id FROM {user} u JOIN {client_coaches} cc ON cc.user_id = u.id"
            f" WHERE cc.client_id = {client}.id ORDER BY {coach_order})",
            (),
        ),
    )


def client_can_manage(*, user: User, client: Client) -> bool:
    """Staff who may see and change ``client`` (one query)."""
    return user.is_staff and client_queryset_for(user=user).filter(pk=client.pk).exists()


def coach_list() -> QuerySet[User]:
    """People who can coach here: active staff."""
    return User.objects.filter(is_staff=True, is_active=True).order_by("first_name", "email")


def client_invitation_latest(*, client: Client) -> Invitation | None:
    """The last portal invitation sent to ``client``'s e-mail address, whatever became
    of it (one query; none without an address)."""
    if not client.email:
        return None
    return (
        Invitation.objects.filter(role=Invitation.Role.CLIENT, email__iexact=client.email)
        .order_by("-created_at", "-pk")
        .first()
    )


def client_search(*, clients: QuerySet[Client], query: str) -> QuerySet[Client]:
    """``clients`` matching ``query`` by name, e-mail or phone, best match first.

    Case- and accent-insensitive and partial. Ranking: full name, then a
    surname that starts with the query, a first name, a later word of the
    name, an e-mail that starts with it, then matches inside name, e-mail or
    phone. One or two letters match only starts of names and e-mails; longer
    queries use the trigram indexes; when nothing matches literally,
    similar-sounding names are found (misspellings). See bench/run.py.
    """
    text = normalise(query)
    if not text:
        return clients
    number = digits(query) if sum(c.isdigit() for c in query) >= 3 else ""
    literal = _literal_matches(clients, text, number)
    if number or literal.exists():
        return _ranked(literal, text, number)
    if len(text) < 3:
        return literal
    for similar in _similar_names(clients, text):
        if similar.exists():
            return similar.order_by("-search_score", "search_last", "search_first", "pk")
    fuzzy = clients.filter(
        Q(search_name__trigram_word_similar=text) | Q(search_email__trigram_word_similar=text)
    )
    return _ranked(fuzzy, text, number, fuzzy=True)


def client_search_top(
    *, clients: QuerySet[Client], query: str, limit: int = SEARCH_LIMIT
) -> list[Client]:
    """The best ``limit`` matches for ``query``, fast enough to run on every keystroke.

    Read tier by tier, each an index range read in order, stopping once
    ``limit`` are found, so common queries take one or two small queries:
    full name (or its start), surname prefix, first-name prefix, e-mail
    prefix, inside the name, inside the e-mail, then similar names when
    nothing matched. A one-word query first shows one person of each surname one slip
    from it (``_surnames_near``). A query shaped like a phone number (digits, spaces,
    + - ( )) searches phones only; one shaped like an e-mail, e-mails only.
    See ``make bench`` (client_search_ms)."""
    text = normalise(query)
    found: list[Client] = []
    if not text:
        return found

    def take(matches: QuerySet[Client], *order: str) -> None:
        need = limit - len(found)
        if need > 0:
            if found:
                matches = matches.exclude(pk__in=[client.pk for client in found])
            found.extend(matches.order_by(*order, "pk")[:need])

    number = digits(query)
    if len(number) >= 3 and not query.strip(" +-()0123456789"):
        # people type the start or the end of a number; the middle is the last resort
        take(clients.filter(search_phone__startswith=number), "search_phone")
        suffix = clients.annotate(phone_reversed=Reverse("search_phone"))
        take(suffix.filter(phone_reversed__startswith=number[::-1]), "search_phone")
        if not found:
            take(clients.filter(search_phone__contains=number), "search_phone")
        return found
    if any(c in text for c in "@._+0123456789"):  # shaped like an e-mail
        take(clients.filter(search_email__startswith=text), "search_email")
        if len(text) >= 3:
            take(clients.filter(search_email__contains=text), "search_email")
        return found
    near = 0  # people of surnames one slip from a one-word query, shown first
    dictionary = None  # read (and its currency checked) once per search
    starts_a_name = True  # whether some first name or surname may start with ``text``
    if " " in text:  # a full name, or its start; ordered by name, so exact ones lead
        take(clients.filter(search_name__startswith=text), "search_name")
    elif len(text) >= 2:  # a surname alone may be a slip that spells another one
        dictionary = name_dictionary()
        # every word of every name is in the dictionary: when none starts with ``text``,
        # no name does, and the prefix tiers need not ask (a slip: most misspellings)
        starts_a_name = dictionary.knows_prefix(text)
        if len(text) == 2 and starts_a_name:  # mostly a name's start: its first leads
            surnames = clients.filter(search_last__startswith=text)
            found.extend(surnames.order_by("search_last", "search_first", "pk")[:1])
        found.extend(
            _surnames_near(
                clients, text, min(limit, NEAR_SURNAMES), shown=found, dictionary=dictionary
            )
        )
        near = len(found)
    if starts_a_name:
        take(clients.filter(search_last__startswith=text), "search_last", "search_first")
        take(clients.filter(search_first__startswith=text), "search_first", "search_last")
    if len(text) >= 3 and len(found) == near:  # no name starts so: a slip, not a part
        for similar in _similar_names(clients, text, dictionary=dictionary):
            shown = {client.pk for client in found}
            more = [c for c in _similar_top(similar, limit) if c.pk not in shown]
            found.extend(more[: limit - len(found)])
            if more:
                break
    rest = Q(search_email__startswith=text) if " " not in text else Q(pk__in=[])
    if len(text) >= 3:
        rest |= Q(search_name__contains=text) | Q(search_email__contains=text)
    rank = Case(
        When(search_email__startswith=text, then=Value(0)),
        When(search_name__contains=text, then=Value(1)),
        default=2,
        output_field=IntegerField(),
    )
    take(clients.filter(rest).annotate(rank=rank), "rank", "search_last", "search_first")
    return found


NEAR_SURNAMES = 3  # surnames a one-word query shows first: the one typed, and slips
NEAR_CHOICES = 32  # words one slip from it looked up as surnames


def _surnames_near(
    clients: QuerySet[Client],
    text: str,
    count: int,
    *,
    dictionary: WordIndex,
    shown: list[Client] = (),
) -> list[Client]:
    """For a one-word query, the first person (by first name) of up to ``count``
    surnames: ``text`` itself if it is a surname, then the surnames one slip from it,
    the commonest first. A slip often spells another real surname ("caro" meant for
    "carro") or a start of one ("born" for "borg"), so "caro" shows a Caro and a Carro
    before the second Caro. Two letters are one letter short of a surname ("ry" for
    "roy"), after the first person ``shown``. No query when no name is one slip away."""
    words = dictionary.near(text, limit=NEAR_CHOICES)
    if len(text) == 2:
        words = [word for word in words if len(word) == 3]
    if not words:  # the surname prefix tier shows ``text`` itself first
        return []
    by_surname = [F("search_last")]
    turn = Window(RowNumber(), partition_by=by_surname, order_by=[F("search_first"), F("pk")])
    firsts = (
        clients.filter(search_last__in=[text, *words])
        .exclude(search_last__in=[client.search_last for client in shown])
        .annotate(search_turn=turn, search_bearers=Window(Count("pk"), partition_by=by_surname))
        .filter(search_turn=1)
    )
    typed = Case(
        When(search_last=text, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    order = (typed, "-search_bearers", "search_last", "pk")
    return list(firsts.order_by(*order)[: count - len(shown)])


def _similar_top(similar: QuerySet[Client], limit: int) -> list[Client]:
    """The best ``limit`` of ``_similar_names``: the best-scored person of each surname
    first ("matrin" shows a Martin, a Marin and a Matrin before the second Martin), then
    the others, so one common spelling does not hide the one that was meant."""
    turn = Window(
        RowNumber(),
        partition_by=[F("search_last")],
        order_by=[F("search_score").desc(), F("search_first").asc(), F("pk").asc()],
    )
    ranked = similar.annotate(search_turn=turn)
    first = Case(When(search_turn=1, then=Value(0)), default=Value(1), output_field=IntegerField())
    order = (first, "-search_score", "search_last", "search_first", "pk")
    return list(ranked.order_by(*order)[:limit])


NAME_CHOICES = 8  # spellings tried per word of a misspelt name


NAME_DICTIONARIES = 64  # businesses whose name dictionary a process keeps in memory
_name_dictionaries: OrderedDict[str, tuple[tuple, WordIndex]] = OrderedDict()


def name_dictionary() -> WordIndex:
    """This business's name dictionary (``SearchWord``: a few thousand words) indexed for
    one-slip look-ups, held in memory per process for the last ``NAME_DICTIONARIES``
    businesses. One small query per call tells whether it is current (how many words
    and the newest row's transaction id: the trigger only ever adds words), so a new
    client's name is found at once."""
    schema = connection.schema_name
    with connection.cursor() as cursor:  # rows only ever come: their newest xmin says it
        cursor.execute(f"SELECT count(*), max(xmin::text::bigint) FROM {SearchWord._meta.db_table}")
        version = cursor.fetchone()
    cached = _name_dictionaries.get(schema)
    if cached is None or cached[0] != version:
        words = SearchWord.objects.values_list("word", flat=True)
        cached = _name_dictionaries[schema] = (version, WordIndex(dict.fromkeys(words, 1)))
    _name_dictionaries.move_to_end(schema)
    while len(_name_dictionaries) > NAME_DICTIONARIES:
        _name_dictionaries.popitem(last=False)
    return cached[1]


def _name_corrections(
    words: list[str], dictionary: WordIndex | None = None
) -> list[dict[str, int]]:
    """For each word of a name, the names' words it may have meant, with a score: the
    word itself if some client has it (100), the words one slip from it ("pucsi" ->
    "pucci", a letter dropped, added, swapped or replaced: 80, alike: a surname beats a
    first name, see ``_similar_names``), from the dictionary in memory; only for a word
    with neither, one trigram-indexed query for similar words (up to 50)."""
    dictionary = dictionary if dictionary is not None else name_dictionary()
    corrections = []
    for word in words:
        scores = {word: 100} if word in dictionary else {}
        scores.update(dict.fromkeys(dictionary.near(word, limit=NAME_CHOICES), 80))
        if not scores and len(word) >= 3:
            similar = (
                SearchWord.objects.filter(word__trigram_similar=word)
                .annotate(similarity=TrigramSimilarity("word", word))
                .order_by("-similarity", "word")
                .values_list("word", "similarity")[:NAME_CHOICES]
            )
            scores = {near: round(50 * similarity) for near, similarity in similar}
        corrections.append(scores)
    return corrections


def _score(field: str, scores: dict[str, int]) -> Case:
    return Case(
        *(When(**{field: word}, then=Value(score)) for word, score in scores.items()),
        default=Value(0),
        output_field=IntegerField(),
    )


def _similar_names(
    clients: QuerySet[Client], text: str, dictionary: WordIndex | None = None
) -> list[QuerySet[Client]]:
    """Clients whose name is spelt like ``text`` ("smiht", "Wilfredo pucsi", "drren
    Palomino"), as querysets to try in turn, annotated ``search_score`` (higher is
    better): each word is corrected on its own against the name dictionary (see
    ``_name_corrections``). For two words or more, first the people whom the first and
    the last word both fit (first name and surname, in either order); then people
    fitting any word, a surname before a first name. A query of three words or more
    first asks for people with every word somewhere in their name ("maria luis parra":
    Maria Luisa Parra before Maria Parras)."""
    typed = [word for word in text.split() if len(word) >= 2][:4]
    if not typed or all(len(word) < 3 for word in typed):
        return []
    every = _name_corrections(typed, dictionary=dictionary)
    corrections = [every[0], every[-1]] if len(every) > 1 else every
    tries = []
    if len(corrections) == 2 and all(corrections):
        one, two = corrections
        pairs = Q(search_first__in=list(one), search_last__in=list(two))
        pairs |= Q(search_first__in=list(two), search_last__in=list(one))
        first = _score("search_first", one) + _score("search_last", two)
        swapped = _score("search_first", two) + _score("search_last", one)
        tries.append(
            clients.filter(pairs).annotate(
                search_score=Greatest(first, swapped, output_field=IntegerField())
            )
        )
    if len(every) > 2 or (len(every) == 2 and all(every)):
        # names of more than two words ("Maria Luisa", "de Sousa"): each word somewhere
        padded = clients.annotate(search_padded=Concat(Value(" "), "search_name", Value(" ")))
        for choices in every:
            if choices:
                near = Q()
                for word in choices:
                    near |= Q(search_padded__contains=f" {word} ")
                padded = padded.filter(near)
        padded = padded.annotate(search_score=Value(0, output_field=IntegerField()))
        # more than two words say more than the first and last alone: asked first
        tries.insert(0 if len(every) > 2 else len(tries), padded)
    scores: dict[str, int] = {}
    for choices in corrections:
        for word, score in choices.items():
            scores[word] = max(score, scores.get(word, 0))
    if scores:
        # a surname is what people search by: it wins a tie with a first name
        matches = clients.filter(Q(search_last__in=list(scores)) | Q(search_first__in=list(scores)))
        tries.append(
            matches.annotate(
                search_score=Greatest(
                    _score("search_last", {w: 2 * s + 1 for w, s in scores.items()}),
                    _score("search_first", {w: 2 * s for w, s in scores.items()}),
                    output_field=IntegerField(),
                )
            )
        )
    return tries


def _literal_matches(clients, text: str, number: str) -> QuerySet[Client]:
    if len(text) < 3 and not number:
        return clients.filter(
            Q(search_last__startswith=text)
            | Q(search_first__startswith=text)
            | Q(search_email__startswith=text)
        )
    match = Q(search_name__contains=text) | Q(search_email__contains=text)
    if number:
        match |= Q(search_phone__contains=number)
    return clients.filter(match)


def _ranked(clients, text: str, number: str, *, fuzzy: bool = False) -> QuerySet[Client]:
    whens = [
        When(search_name=text, then=Value(0)),
        When(search_last__startswith=text, then=Value(1)),
        When(search_first__startswith=text, then=Value(2)),
        When(search_name__startswith=text, then=Value(2)),
        When(search_name__contains=f" {text}", then=Value(3)),
        When(search_email__startswith=text, then=Value(4)),
        When(search_name__contains=text, then=Value(5)),
        When(search_email__contains=text, then=Value(6)),
    ]
    if number:
        whens.append(When(search_phone__contains=number, then=Value(7)))
    ranked = clients.annotate(
        search_rank=Case(*whens, default=Value(8), output_field=IntegerField())
    )
    order = ["search_rank"]
    if fuzzy:
        ranked = ranked.annotate(
            search_similarity=Greatest(
                TrigramWordSimilarity(text, "search_name"),
                TrigramWordSimilarity(text, "search_email"),
            )
        )
        order.append("-search_similarity")
    return ranked.order_by(*order, "search_last", "search_first", "pk")


def client_data_counts(*, client: Client) -> dict[str, int]:
    """How much is kept about ``client``, by kind: what erasing them would remove.
    Seven COUNT queries."""
    return {
        "measurements": Measurement.objects.filter(client=client).count(),
        "photos": ProgressPhoto.objects.filter(client=client).count(),
        "responses": Response.objects.filter(client=client).count(),
        "files": ResponseFile.objects.filter(response__client=client).count(),
        "notes": ClientNote.objects.filter(client=client).count(),
        "status_changes": ClientStatusChange.objects.filter(client=client).count(),
        "assignments": Assignment.objects.filter(client=client).count(),
    }


def client_page_extras(*, client: Client) -> dict:
    """What the client page shows beside the form: the timeline of notes, the latest
    changes of status, and the portal invitation of a client without a login."""
    return {
        "notes": client.notes.select_related("author"),
        "status_changes": client.status_changes.select_related("changed_by")[:20],
        "invitation": None if client.user_id else client_invitation_latest(client=client),
    }


def clients_filter(
    *,
    clients: QuerySet[Client],
    q: str = "",
    status: str = "",
    tag: str = "",
    coach: int | None = None,
    active_within_days: int | None = None,
    quiet_for_days: int | None = None,
    include_archived: bool = False,
) -> QuerySet[Client]:
    """The client list narrowed as the API's list and CSV export ask: archived clients
    only with ``include_archived`` or when their status is asked for; ``coach`` as
    primary or sharing; a search ranks the best match first."""
    if status:
        clients = clients.filter(status=status)
    elif not include_archived:
        clients = clients.exclude(status=Client.Status.ARCHIVED)
    if tag:
        clients = clients.filter(tags__name__iexact=tag)
    if coach is not None:
        shared = Client.coaches.through.objects.filter(user_id=coach).values("client_id")
        clients = clients.filter(primary_coach_id=coach) | clients.filter(pk__in=shared)
    now = timezone.now()
    if active_within_days is not None:
        clients = clients.filter(last_activity_at__gte=now - dt.timedelta(days=active_within_days))
    if quiet_for_days is not None:
        clients = clients.filter(last_activity_at__lt=now - dt.timedelta(days=quiet_for_days))
    if q.strip():
        clients = client_search(clients=clients, query=q)
    return clients


def client_zone(client: Client) -> zoneinfo.ZoneInfo:
    """The time zone a client reads times in: their own, else the business's, else UTC
    (a name that is not a zone is passed over)."""
    for name in (client.timezone, getattr(connection.tenant, "timezone", "")):
        try:
            if name:
                return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
    return zoneinfo.ZoneInfo("UTC")


# --- the back office's Today ------------------------------------------------------------


def client_queryset_own(*, user: User) -> QuerySet[Client]:
    """The clients ``user`` looks after themselves (no query until evaluated): a coach's
    are those of :func:`client_queryset_for`; the owner's are those they coach (primary
    or sharing) and those no active staff member coaches, since someone must (the same
    rule as the owner's unread messages in ``messaging.selectors``)."""
    clients = client_queryset_for(user=user)
    if not is_owner(user):
        return clients
    through = Client.coaches.through.objects
    staff = User.objects.filter(is_staff=True, is_active=True).values("pk")
    coached = Q(primary_coach_id__in=staff) | Q(
        pk__in=through.filter(user_id__in=staff).values("client_id")
    )
    mine = Q(primary_coach_id=user.pk) | Q(
        pk__in=through.filter(user_id=user.pk).values("client_id")
    )
    return clients.filter(mine | ~coached)


def clients_pinned(*, clients: QuerySet[Client]) -> QuerySet[Client]:
    """``clients`` read now (one query) and given back as a filter on their ids: a page
    that filters many queries by the same rule (``client_queryset_own`` has three
    subqueries) plans each faster with a list of ids. The list is one array parameter,
    not a placeholder per id: a coach of 5,000 clients made Today splice 40,000
    placeholders into its queries (half a second in psycopg alone)."""
    ids = clients.order_by().values_list("pk", flat=True)
    return Client.objects.filter(AnyOf(F("pk"), id_array(ids)))


def _with_total(rows: QuerySet, limit: int) -> tuple[list, int]:
    """The first ``limit`` of ``rows`` and how many there are in all, in one query (a
    window count, computed before the limit)."""
    found = list(rows.annotate(listed_total=Window(Count("pk")))[:limit])
    return found, (found[0].listed_total if found else 0)


def clients_gone_quiet(
    *, clients: QuerySet[Client], now: dt.datetime, days: int = 14, limit: int = 6
) -> tuple[list[Client], int]:
    """Active ``clients`` with no activity for ``days`` or more, counted from when they
    became active if later (a client made active yesterday is not quiet), the quietest
    first, each with ``quiet_since`` and their name (the other fields deferred); and how
    many there are. One query."""
    since = Greatest("last_activity_at", "status_changed_at")
    rows = (
        clients.filter(status=Client.Status.ACTIVE)
        .annotate(quiet_since=since)
        .filter(quiet_since__lt=now - dt.timedelta(days=days))
        .order_by("quiet_since", "pk")
        .only("first_name", "last_name", "status_changed_at", "last_activity_at")
    )
    return _with_total(rows, limit)


def leads_newest(*, clients: QuerySet[Client], limit: int = 5) -> tuple[list[Client], int]:
    """The leads among ``clients``, newest first, with what a list shows of them (name,
    goals, source, when added; the other fields deferred), and how many there are. One
    query."""
    rows = (
        clients.filter(status=Client.Status.LEAD)
        .order_by("-created_at", "-pk")
        .only("first_name", "last_name", "goals", "source", "created_at")
    )
    return _with_total(rows, limit)


def active_clients_by_week(
    *, clients: QuerySet[Client], now: dt.datetime, weeks: int = 8, current: int | None = None
) -> list[tuple[dt.datetime, int]]:
    """How many of ``clients`` were active (onboarding or active, as the plan counts
    them) at ``now`` and at each of the ``weeks`` weeks before it, oldest first: today's
    count (``current`` when the caller has it) taken back through the pipeline's history
    (``ClientStatusChange``). One query, and one more without ``current``."""
    counted = set(Client.ACTIVE_STATUSES)
    if current is None:
        current = clients.filter(status__in=Client.ACTIVE_STATUSES).count()
    first = now - dt.timedelta(weeks=weeks)
    changes = (
        ClientStatusChange.objects.filter(
            client__in=clients.values("pk"), changed_at__gt=first, changed_at__lte=now
        )
        .order_by("-changed_at", "-pk")
        .values_list("changed_at", "from_status", "to_status")
    )
    points = [now - dt.timedelta(weeks=n) for n in range(weeks + 1)]
    counts = []
    count, pending = current, list(changes)
    for point in points:  # newest first: undo each change made after ``point``
        while pending and pending[0][0] > point:
            _when, before, after = pending.pop(0)
            count += (before in counted) - (after in counted)
        counts.append((point, max(count, 0)))
    counts.reverse()
    return counts


# --- the back office's client list: a row per client, its figures in the one query ------


@dataclass(frozen=True)
class ClientListScope:
    """Who is looking at the client list, and when: what its figures are computed for.

    ``today`` is the business's date (compliance counts whole days of it); ``request``,
    when given, lets the policy remember its answers (the billing switch) for the rest
    of the request."""

    user: User
    now: dt.datetime
    today: dt.date
    request: object | None = None


ClientListFigures = Callable[[QuerySet[Client], ClientListScope], QuerySet[Client]]

_list_figures: dict[str, ClientListFigures] = {}


def client_list_figures_register(*, name: str, annotate: ClientListFigures) -> None:
    """Add (or replace, by name) an app's figures on the client list's rows.

    Apps above clients keep what the list shows beside the record (programs: the
    current program, compliance, the last workout; billing: sessions left) and
    clients cannot import them: each registers, from its ``AppConfig.ready``, a
    function that annotates the clients queryset with subqueries (never a join that
    repeats rows, never a query per row)."""
    _list_figures[name] = annotate


def _business_zone() -> zoneinfo.ZoneInfo:
    name = getattr(getattr(connection, "tenant", None), "timezone", "") or "UTC"
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def client_list_rows(
    *,
    clients: QuerySet[Client],
    user: User,
    now: dt.datetime | None = None,
    request: object | None = None,
) -> QuerySet[Client]:
    """``clients`` (already narrowed to what ``user`` may see) as the back office's
    client list shows them: the primary coach joined, and annotated with
    ``last_checkin_at`` (the latest check-in sent) and the figures other apps
    registered (``client_list_figures_register``):

    - programs: ``current_program`` (the name of the active program, the main one
      first), ``compliance_done`` and ``compliance_due`` (workouts done of those
      scheduled over the last 28 days, today's counted once done), ``compliance_ratio``
      (done / due, None when nothing was due: for sorting) and ``last_workout_at``;
    - billing: ``sessions_left`` (sessions still bookable from usable packs; 0 when
      every pack is used up or expired; None without a pack, and None for everyone
      when ``user`` may not see billing).

    Every figure is a subquery of the one SELECT: a page of 50 costs the same number
    of queries as a page of 5. No query until evaluated."""
    now = now or timezone.now()
    scope = ClientListScope(user=user, now=now, today=client_list_today(now=now), request=request)
    last_checkin = (
        Response.objects.filter(
            client=OuterRef("pk"), period_start__isnull=False, status=Response.Status.SUBMITTED
        )
        .order_by("-submitted_at")
        .values("submitted_at")[:1]
    )
    rows = clients.select_related("primary_coach").annotate(last_checkin_at=Subquery(last_checkin))
    for annotate in _list_figures.values():
        rows = annotate(rows, scope)
    return rows


def client_list_today(*, now: dt.datetime | None = None) -> dt.date:
    """The business's date at ``now``: what the client list's relative dates count from."""
    return (now or timezone.now()).astimezone(_business_zone()).date()


def client_list_date(*, when: dt.datetime) -> dt.date:
    """The business's date at ``when``: the client list's relative dates ("yesterday")
    count whole days of its calendar."""
    return when.astimezone(_business_zone()).date()

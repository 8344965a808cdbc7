"""Reads about clients that the back office, the API and the portal share.

Who may see which client is decided here, in querysets, and nowhere else:
the owner sees every client, a coach the clients assigned to them (as
primary coach or sharing), a client their own record only.
"""

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Greatest, Reverse

from accounts.models import Invitation, User
from accounts.policies import is_coach, is_owner

from .models import Client, SearchWord, digits, normalise

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
    nothing matched. A query shaped like a phone number (digits, spaces,
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
    if " " in text:  # a full name, or its start; ordered by name, so exact ones lead
        take(clients.filter(search_name__startswith=text), "search_name")
    take(clients.filter(search_last__startswith=text), "search_last", "search_first")
    take(clients.filter(search_first__startswith=text), "search_first", "search_last")
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
    if len(text) >= 3 and not found:
        found.extend(_similar_names(clients, text, limit))
    return found


def _similar_names(clients: QuerySet[Client], text: str, limit: int) -> list[Client]:
    """Clients whose first or last name is spelt like a word of ``text`` ("smiht",
    "kowalsky"): the similar words come from the name dictionary (a few
    thousand trigram-indexed rows, one query), then the clients bearing them,
    those whose surname matches first."""
    from django.contrib.postgres.search import TrigramSimilarity

    words = [word for word in text.split() if len(word) >= 3][:3]
    if not words:
        return []
    best = (
        Greatest(*(TrigramSimilarity("word", word) for word in words))
        if len(words) > 1
        else (TrigramSimilarity("word", words[0]))
    )
    near = Q()
    for word in words:
        near |= Q(word__trigram_similar=word)
    similar = list(
        SearchWord.objects.filter(near)
        .annotate(similarity=best)
        .order_by("-similarity", "word")
        .values_list("word", flat=True)[: 6 * len(words)]
    )
    if not similar:
        return []
    score = Case(
        When(search_last__in=similar, then=Value(0)), default=1, output_field=IntegerField()
    )
    matches = clients.filter(Q(search_last__in=similar) | Q(search_first__in=similar))
    matches = matches.annotate(score=score)
    return list(matches.order_by("score", "search_last", "search_first", "pk")[:limit])


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
        from django.contrib.postgres.search import TrigramWordSimilarity

        ranked = ranked.annotate(
            search_similarity=Greatest(
                TrigramWordSimilarity(text, "search_name"),
                TrigramWordSimilarity(text, "search_email"),
            )
        )
        order.append("-search_similarity")
    return ranked.order_by(*order, "search_last", "search_first", "pk")

"""Client search finds the person meant: a full name with one slip in either word finds
that client in the top 3, a misspelt surname alone someone bearing it, over seeded
misspellings of a few hundred made-up clients (``make bench`` measures 20,000)."""

import random

import pytest
from faker import Faker

from clients.models import Client
from clients.selectors import client_search, client_search_top
from mectofitness.core.fuzzy import misspellings

from .factories import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowd(tenant) -> list[Client]:
    """600 clients whose names are drawn (seeded) from a few hundred first names and
    surnames in several languages, so names repeat as in a real business."""
    faker = Faker(["en_GB", "fr_FR", "de_DE", "es_ES", "pl_PL", "sv_SE"])
    faker.seed_instance(21)
    rng = random.Random(21)
    firsts = sorted({faker.first_name() for _ in range(300)})
    lasts = sorted({faker.last_name() for _ in range(400)})
    people = [
        Client(first_name=rng.choice(firsts), last_name=rng.choice(lasts), email=f"c{n}@x.test")
        for n in range(600)
    ]
    for person in people:
        person.refresh_search_keys()
    return Client.objects.bulk_create(people)


def test_a_full_name_with_one_slip_finds_that_client_in_the_top_3(crowd):
    sample = random.Random(5).sample(crowd, 200)
    by_name = {client.search_name: client for client in sample}
    top3 = 0
    cases = misspellings(sorted(by_name), seed=5)
    for name, query in cases:
        found = client_search_top(clients=Client.objects.all(), query=query, limit=3)
        top3 += by_name[name] in found
    assert top3 / len(cases) >= 0.99


def test_a_misspelt_surname_alone_finds_someone_with_it_in_the_top_3(crowd):
    surnames = sorted({client.search_last for client in crowd if " " not in client.search_last})
    cases = misspellings(surnames[:150], seed=6)
    # every case counts, a slip that spells another client's surname too (see below)
    top3 = 0
    for name, query in cases:
        found = client_search_top(clients=Client.objects.all(), query=query, limit=3)
        top3 += name in [client.search_last for client in found]
    assert top3 / len(cases) >= 0.99


def test_a_slip_that_spells_another_surname_shows_both_in_the_top_3(tenant):
    for first in ("Ann", "Bea", "Cat", "Dee"):
        ClientFactory(first_name=first, last_name="Caro")
    ClientFactory(first_name="Eve", last_name="Carro")
    ClientFactory(first_name="Fay", last_name="Carolan")
    found = client_search_top(clients=Client.objects.all(), query="caro", limit=3)
    assert [c.last_name for c in found[:2]] == ["Caro", "Carro"]
    for first in ("Gus", "Hal"):
        ClientFactory(first_name=first, last_name="Borner")
    ClientFactory(first_name="Ida", last_name="Borg")
    found = client_search_top(clients=Client.objects.all(), query="born", limit=3)
    assert "Borg" in [c.last_name for c in found]


def test_the_corrected_words_must_fit_the_same_person(tenant):
    meant = ClientFactory(first_name="Wilfredo", last_name="Pucci")
    for n in range(6):  # other people with the surname sort before Wilfredo
        ClientFactory(first_name=f"Aaron{'x' * n}", last_name="Pucci")
    ClientFactory(first_name="Darren", last_name="Palomino")
    ClientFactory(first_name="Alfredo", last_name="Pucci")
    found = client_search_top(clients=Client.objects.all(), query="Wilfredo pucsi")
    assert found[0] == meant
    assert list(client_search(clients=Client.objects.all(), query="Wilfredo pucsi"))[0] == meant
    darren = client_search_top(clients=Client.objects.all(), query="drren Palomino")
    assert [c.full_name for c in darren] == ["Darren Palomino"]


def test_a_typo_in_a_name_of_three_words_still_finds_the_person(tenant):
    meant = ClientFactory(first_name="Maria Luisa", last_name="Parra")
    ClientFactory(first_name="Maria", last_name="Parras")
    assert client_search_top(clients=Client.objects.all(), query="maria luis parra")[0] == meant


def test_a_surname_one_slip_from_two_others_shows_both(tenant):
    for first in ("Ann", "Bea", "Cat", "Dee"):
        ClientFactory(first_name=first, last_name="Marin")
    ClientFactory(first_name="Eve", last_name="Martin")
    found = client_search_top(clients=Client.objects.all(), query="matrin", limit=3)
    assert {c.last_name for c in found[:2]} == {"Marin", "Martin"}


def test_a_new_clients_name_is_found_misspelt_at_once(tenant):
    ClientFactory(first_name="Ada", last_name="Lovelace")
    assert client_search_top(clients=Client.objects.all(), query="lovleace")
    ClientFactory(first_name="Grace", last_name="Hopper")
    found = client_search_top(clients=Client.objects.all(), query="hpoper")
    assert [c.last_name for c in found] == ["Hopper"]


def test_two_letters_show_their_first_match_then_a_surname_one_letter_longer(tenant):
    for first in ("Ann", "Bea", "Cat"):
        ClientFactory(first_name=first, last_name="Ryan")
    ClientFactory(first_name="Dee", last_name="Roy")
    found = client_search_top(clients=Client.objects.all(), query="ry", limit=3)
    assert [c.last_name for c in found[:2]] == ["Ryan", "Roy"]


def test_a_slip_no_name_starts_with_skips_the_prefix_reads(crowd, django_assert_num_queries):
    """Every word of every name is in the dictionary, so a misspelling that starts no name
    costs the dictionary's currency check, the slip's own read and the last tier only;
    a name's start still reads the prefix tiers."""
    martin = ClientFactory(first_name="Quentin", last_name="Martinez")
    client_search_top(clients=Client.objects.all(), query="zzz")  # the dictionary, loaded
    with django_assert_num_queries(4):  # check, near surnames, similar names, last tier
        found = client_search_top(clients=Client.objects.all(), query="martinzz", limit=3)
    assert martin in found
    found = client_search_top(clients=Client.objects.all(), query="martin", limit=3)
    assert martin in found
    found = client_search_top(clients=Client.objects.all(), query="quent", limit=3)
    assert found[0] == martin

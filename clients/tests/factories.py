"""Factories for client records. Call them inside ``tenant_context(business)``."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from accounts.models import User
from clients.models import Client, ClientNote, Tag

PASSWORD = "correct-horse-battery"


def person_create(*, email: str, role: str, first_name: str = "", last_name: str = "") -> User:
    """A verified user of the current schema in ``role`` (owner, coach or client)."""
    user = User.objects.create_user(
        email=email,
        password=PASSWORD,
        first_name=first_name,
        last_name=last_name,
        is_staff=role != "client",
        is_superuser=role == "owner",
    )
    user.groups.add(Group.objects.get(name=role))
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"tag {n}")


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"client{n}@example.test")
    status = Client.Status.ACTIVE


class ClientNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientNote

    client = factory.SubFactory(ClientFactory)
    body = factory.Faker("sentence")

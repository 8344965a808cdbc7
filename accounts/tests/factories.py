"""Factories for the people of a business. Call them inside ``tenant_context(business)``."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from accounts.models import User


class PersonFactory(factory.django.DjangoModelFactory):
    """A user of the current schema in ``role``'s group (owner, coach or client).

    Staff unless a client. ``verified=True`` or ``False`` also gives them their
    allauth address, confirmed or not; left ``None`` they have none."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@acme.test")
    password = "x"
    role = "coach"
    is_staff = factory.LazyAttribute(lambda person: person.role != "client")
    verified = None

    @classmethod
    def _create(cls, model_class, *args, role, verified, **kwargs):
        user = model_class.objects.create_user(*args, **kwargs)
        user.groups.add(Group.objects.get(name=role))
        if verified is not None:
            EmailAddress.objects.create(
                user=user, email=user.email, primary=True, verified=verified
            )
        return user

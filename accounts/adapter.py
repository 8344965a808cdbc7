from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.contrib.auth.models import Group
from django.db import connection

from .roles import CLIENT


def _business():
    from tenants.models import Business

    tenant = getattr(connection, "tenant", None)
    return tenant if isinstance(tenant, Business) else None


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Clients join by invitation, unless the business opened sign-up.
        Nobody signs up on the public domain: trainers use the business sign-up."""
        business = _business()
        return bool(business and business.client_signup_open)

    def clean_email(self, email):
        """Open sign-up waits when the business's plan has no room for another client."""
        email = super().clean_email(email)
        business = _business()
        if business is not None and business.client_signup_open:
            from billing.platform.limits import has_room

            if not has_room(kind="clients", business=business):
                from django import forms

                raise forms.ValidationError(
                    f"{business.name} cannot take new clients online right now. "
                    "Please contact them directly."
                )
        return email

    def save_user(self, request, user, form, commit=True):
        """Someone who signs up at a business is one of its clients."""
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            from clients.services.records import client_for_user_link

            user.groups.add(Group.objects.get(name=CLIENT))
            client_for_user_link(user=user)
        return user


class MFAAdapter(DefaultMFAAdapter):
    def get_totp_issuer(self) -> str:
        """Authenticator apps list the code under the business's name."""
        business = _business()
        return business.name if business else "MectoFitness"

import math
import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from allauth.mfa.adapter import DefaultMFAAdapter
from django import forms
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import ngettext
from django_tenants.utils import get_tenant_model

from mectofitness.core import quotas

from .emails import account_mail_send
from .events import client_joined
from .roles import CLIENT


def _business():
    """The business being served; None on the public site (django-tenants' stand-in).
    Its model is named in settings: tenants sits above accounts."""
    tenant = getattr(connection, "tenant", None)
    return tenant if isinstance(tenant, get_tenant_model()) else None


def login_lockout_seconds(request, key: str) -> float:
    """Seconds until allauth's ``login_failed`` limits let ``key`` (its per-address
    cache key) try again from this request's address; 0 when not locked out.

    Reads allauth's own rate-limit history (allauth.core.internal.ratelimit: a list
    of attempt times, newest first, per rate); accounts/tests/test_sign_in_pages.py
    holds it to the minutes a locked-out person is shown."""
    now, wait = time.time(), 0.0
    for rate in ratelimit.get_rates(app="allauth.account", action="login_failed"):
        cache_key = ratelimit.get_cache_key(
            request, app="allauth.account", action="login_failed", rate=rate, key=key
        )
        history = [t for t in cache.get(cache_key, []) if t > now - rate.duration]
        if len(history) >= rate.amount:
            # free again once the amount-th newest attempt leaves the window
            wait = max(wait, history[rate.amount - 1] + rate.duration - now)
    return wait


class AccountAdapter(DefaultAccountAdapter):
    def pre_authenticate(self, request, **credentials):
        """A locked-out person is told how long to wait (the sign-in page then offers
        a password reset: ``request.login_lockout_minutes``)."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as exc:
            if exc.code != "too_many_login_attempts":
                raise
            key = self._get_login_attempts_cache_key(request, **credentials)
            minutes = max(1, math.ceil(login_lockout_seconds(request, key) / 60))
            request.login_lockout_minutes = minutes
            raise ValidationError(
                ngettext(
                    "Too many failed login attempts. Try again in %(n)d minute, "
                    "or reset your password.",
                    "Too many failed login attempts. Try again in %(n)d minutes, "
                    "or reset your password.",
                    minutes,
                )
                % {"n": minutes},
                code="too_many_login_attempts",
            ) from None

    def login(self, request, user):
        """Notes a person's first sign-in, before Django stamps ``last_login``: the
        greeting then says "Welcome", not "Welcome back" (account/messages/logged_in.txt)."""
        user.first_sign_in = user.last_login is None
        super().login(request, user)

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
            if not quotas.has_room(kind="clients", business=business):
                raise forms.ValidationError(
                    f"{business.name} cannot take new clients online right now. "
                    "Please contact them directly."
                )
        return email

    def get_login_stages(self):
        """allauth's stages, with staff let in unconfirmed for a grace period."""
        return [
            "accounts.verification.EmailVerificationGraceStage"
            if path == "allauth.account.stages.EmailVerificationStage"
            else path
            for path in super().get_login_stages()
        ]

    def send_mail(self, template_prefix, email, context):
        """Every account mail in our own words, from the business (accounts.emails)."""
        account_mail_send(template_prefix=template_prefix, email=email, context=context)

    def save_user(self, request, user, form, commit=True):
        """Someone who signs up at a business is one of its clients."""
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user.groups.add(Group.objects.get(name=CLIENT))
            client_joined.send(sender=type(user), user=user, invited_by=None)
        return user


class MFAAdapter(DefaultMFAAdapter):
    def get_totp_issuer(self) -> str:
        """Authenticator apps list the code under the business's name."""
        business = _business()
        return business.name if business else "MectoFitness"

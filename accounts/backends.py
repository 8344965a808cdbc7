"""What a person may do, read in one query.

A back-office page asks a person's role (``accounts.policies.role_of``: their groups)
and their model permissions (the navigation, each ModelAdmin): Django's ModelBackend
reads the permissions in two queries (the person's own, their groups'), and the role
took a third. :func:`access_load` reads all three in one and fills the caches both
use (``_mf_role`` and ModelBackend's ``_user_perm_cache``, ``_group_perm_cache`` and
``_perm_cache``), for the life of the user object: a request, as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import CharField, Value

from .roles import CLIENT, COACH, OWNER

if TYPE_CHECKING:  # pragma: no cover
    from .models import User

_ROLE, _OWN, _GROUPS = "r", "u", "g"


def role_remember(user: User, group_names: Iterable[str]) -> None:
    """Cache on ``user`` the role its ``group_names`` give (read with the user elsewhere:
    the API's token lookup), so that ``accounts.policies.role_of`` needs no query."""
    names = set(group_names)
    user._mf_role = next((role for role in (OWNER, COACH, CLIENT) if role in names), "")


def access_load(user: User) -> None:
    """Read ``user``'s group names (their role) and permissions in one query and cache
    them on ``user``."""

    def kind(letter: str) -> Value:
        return Value(letter, output_field=CharField())

    names = Group.objects.filter(user=user).values_list(kind(_ROLE), kind(""), "name", named=False)
    own = Permission.objects.filter(user=user).values_list(
        kind(_OWN), "content_type__app_label", "codename"
    )
    groups = Permission.objects.filter(group__user=user).values_list(
        kind(_GROUPS), "content_type__app_label", "codename"
    )
    found: dict[str, set[str]] = {_ROLE: set(), _OWN: set(), _GROUPS: set()}
    for letter, app_label, name in names.union(own, groups, all=True).order_by():
        found[letter].add(name if letter == _ROLE else f"{app_label}.{name}")
    role_remember(user, found[_ROLE])
    if not user.is_superuser:  # a superuser's are every permission: Django reads those
        user._user_perm_cache = found[_OWN]
        user._group_perm_cache = found[_GROUPS]
        user._perm_cache = found[_OWN] | found[_GROUPS]


class AccessBackend(ModelBackend):
    """ModelBackend's permission checks, with the caches :func:`access_load` fills in
    one query. It signs nobody in (``authenticate`` answers None: ModelBackend and
    allauth's backend, after it in AUTHENTICATION_BACKENDS, check passwords as before,
    once each, and sessions keep naming the backend that signed their person in); it
    comes first so that the first permission a request asks loads them all."""

    def authenticate(self, request, **credentials):
        return None

    def get_all_permissions(self, user_obj, obj=None):
        if (
            user_obj.is_active
            and not user_obj.is_anonymous
            and obj is None
            and not user_obj.is_superuser
            and not hasattr(user_obj, "_perm_cache")
        ):
            access_load(user_obj)
        return super().get_all_permissions(user_obj, obj)

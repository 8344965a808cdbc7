"""Who may see or change what: the one access policy every door asks.

Views, admin pages, API endpoints (and, later, sockets) ask these rules; none
writes its own. Roles are Django groups (``accounts.roles``); which *objects* a
person sees -- the clients a coach is assigned, a client's own record -- is
decided on top of these rules by each app's selectors
(``clients.selectors.client_queryset_for`` and its kin).

The rules:

- **owner**: active staff with the owner role (or a superuser of the schema).
- **coach**: active staff with the coach role.
- **staff**: the owner and coaches: the back office's people.
- **portal client**: a signed-in, non-staff person whose client record exists
  and is not archived. A person without a record and one whose record is
  archived are treated alike on every door: the portal's "no record" page,
  403 from the API.
- **billing**: the owner sees all billing; a coach sees their clients' billing
  only when the owner allows it (``BillingSettings.coaches_see_billing``); a
  client sees their own.

This module sits at the bottom of the stack (beside the user model), so it
reaches the client record and the billing switch through the app registry
rather than by importing the apps above it.
"""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import permissions
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied

from .backends import access_load
from .roles import CLIENT, COACH, OWNER

if TYPE_CHECKING:  # pragma: no cover
    from clients.models import Client

    from .models import User

NO_RECORD_TEMPLATE = "portal/no_record.html"
BACK_OFFICE = "/admin/"

# --- roles ------------------------------------------------------------------------------


def role_of(user: User | None) -> str | None:
    """owner, coach or client: the highest role ``user`` holds here (one query, which
    reads their permissions too: ``accounts.backends``; cached on the user object)."""
    if user is None or not user.is_authenticated:
        return None
    cached = getattr(user, "_mf_role", None)
    if cached is None:
        access_load(user)  # with the permissions the same page asks next
        cached = user._mf_role
    return cached or None


def is_staff_member(user: User | None) -> bool:
    """An active owner or coach of this business: the back office's people."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def is_owner(user: User | None) -> bool:
    """The business's owner (or a superuser of its schema)."""
    return is_staff_member(user) and (user.is_superuser or role_of(user) == OWNER)


def is_coach(user: User | None) -> bool:
    """Active staff with the coach role (and not the owner)."""
    return is_staff_member(user) and not is_owner(user) and role_of(user) == COACH


def staff_may(user: User | None, perm: str) -> bool:
    """Active staff (owner or coach) holding the model permission ``perm``, like
    ``"programs.add_program"``: the back office's pages and the API's staff actions."""
    return is_staff_member(user) and user.has_perm(perm)


def may_invite(user: User | None, *, role: str) -> bool:
    """Who may invite people to join here (and resend or revoke their invitations):
    the owner invites coaches and clients; coaches invite clients (among those they
    may change: ``clients.selectors.client_queryset_for``)."""
    if role == COACH:
        return is_owner(user)
    if role == CLIENT:
        return is_staff_member(user) and (is_owner(user) or role_of(user) == COACH)
    return False


# --- billing ----------------------------------------------------------------------------


def coaches_see_billing(*, request=None) -> bool:
    """Whether the owner lets coaches see their clients' billing (one query; with
    ``request``, remembered for the rest of it)."""
    if request is not None and hasattr(request, "_mf_coaches_see_billing"):
        return request._mf_coaches_see_billing
    settings_model = apps.get_model("billing", "BillingSettings")
    allowed = settings_model.objects.filter(pk=1, coaches_see_billing=True).exists()
    if request is not None:
        request._mf_coaches_see_billing = allowed
    return allowed


def billing_role(*, user: User | None, request=None) -> str | None:
    """How ``user`` sees billing: ``"owner"`` (everything), ``"coach"`` (their clients'),
    ``"client"`` (their own) or None (nothing)."""
    if is_owner(user):
        return OWNER
    if is_staff_member(user):
        return COACH if coaches_see_billing(request=request) else None
    if user is not None and user.is_authenticated and user.is_active:
        return CLIENT
    return None


def sees_billing(user: User | None, *, request=None) -> bool:
    """Staff who may open the back office's billing pages."""
    return billing_role(user=user, request=request) in (OWNER, COACH)


# --- the portal's client ----------------------------------------------------------------


def portal_client(request) -> Client | None:
    """The signed-in person's own client record, or None: for staff, anonymous visitors,
    people without a record and people whose record is archived (one query, cached on
    the request)."""
    if not hasattr(request, "_mf_portal_client"):
        request._mf_portal_client = portal_client_for_user(request.user)
    return request._mf_portal_client


def portal_client_for_user(user: User | None) -> Client | None:
    """:func:`portal_client` for a user without a request (one query)."""
    if user is None or not user.is_authenticated or not user.is_active or user.is_staff:
        return None
    client_model = apps.get_model("clients", "Client")
    return (
        client_model.objects.filter(user_id=user.pk)
        .exclude(status=client_model.Status.ARCHIVED)
        .first()
    )


def no_record_context(request, *, section: str = "") -> dict:
    """What the "no record" notice says: whether the record is archived (one query)."""
    client_model = apps.get_model("clients", "Client")
    archived = (
        request.user.is_authenticated
        and client_model.objects.filter(
            user_id=request.user.pk, status=client_model.Status.ARCHIVED
        ).exists()
    )
    return {"section": str(section), "archived": archived}


def no_record_response(request, *, section: str = ""):
    """The one page a client without an (active) record gets, with status 403."""
    context = no_record_context(request, section=section)
    return render(request, NO_RECORD_TEMPLATE, context, status=403)


def portal_client_required(view=None, *, section: str = "", staff_redirect: str = BACK_OFFICE):
    """A portal page: for a signed-in client with an active record, set as
    ``request.client``. Anonymous visitors go to sign in, staff to ``staff_redirect``
    (the back office), anyone else gets the "no record" page (403).

    Use bare (``@portal_client_required``) or with arguments
    (``@portal_client_required(section=_("Workouts"))``)."""

    def decorate(func):
        @login_required
        @wraps(func)
        def wrapped(request, *args, **kwargs):
            if request.user.is_staff:
                return redirect(staff_redirect)
            client = portal_client(request)
            if client is None:
                return no_record_response(request, section=section)
            request.client = client
            return func(request, *args, **kwargs)

        return wrapped

    return decorate(view) if view is not None else decorate


# --- the API ----------------------------------------------------------------------------


def is_member(request) -> bool:
    """Who may use the business's data doors: its staff, and clients with an active
    record. A client login without a record (or with an archived one) may still read
    and change its own account (``/api/v1/me/``, tokens), nothing else."""
    return is_staff_member(request.user) or portal_client(request) is not None


class IsMember(permissions.BasePermission):
    """The API's default: staff, or a client with an active record (403 otherwise)."""

    message = gettext_lazy("You have no client record here.")

    def has_permission(self, request, view):
        return is_member(request)


class _MemberReadsWrites(permissions.BasePermission):
    """Reads for members (the queryset narrows them); writes for whom ``may_write`` says."""

    write_message = ""

    def has_permission(self, request, view):
        if not is_member(request):
            self.message = IsMember.message
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        self.message = self.write_message
        return self.may_write(request, view)

    def may_write(self, request, view) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError


class IsStaffMember(permissions.BasePermission):
    """Owners and coaches (the back office's people)."""

    message = gettext_lazy("Only the business's staff can do this.")

    def has_permission(self, request, view):
        return is_staff_member(request.user)


class IsOwner(permissions.BasePermission):
    message = gettext_lazy("Only the owner can do this.")

    def has_permission(self, request, view):
        return is_owner(request.user)


class ReadOrStaffWrites(_MemberReadsWrites):
    """Reads for members; writes for staff, with the model permission the view names in
    ``write_perm``, if any."""

    write_message = gettext_lazy("Only the business's staff can change this.")

    def may_write(self, request, view) -> bool:
        perm = getattr(view, "write_perm", None)
        return is_staff_member(request.user) and (perm is None or request.user.has_perm(perm))


class ReadOrOwnerWrites(_MemberReadsWrites):
    """Reads for members; writes for the owner."""

    write_message = gettext_lazy("Only the owner can change this.")

    def may_write(self, request, view) -> bool:
        return is_owner(request.user)


class IsBillingOwner(permissions.BasePermission):
    message = gettext_lazy("Only the owner can do this.")

    def has_permission(self, request, view):
        return billing_role(user=request.user, request=request) == OWNER


class ReadOrBillingOwnerWrites(_MemberReadsWrites):
    """Billing reads for members (the queryset narrows them to what their billing role
    shows); writes for the owner."""

    write_message = gettext_lazy("Only the owner can change this.")

    def may_write(self, request, view) -> bool:
        return billing_role(user=request.user, request=request) == OWNER


class IsPortalClient(permissions.BasePermission):
    """A client with an active record; the record is ``portal_client(request)``."""

    message = gettext_lazy("You have no client record here.")

    def has_permission(self, request, view):
        return portal_client(request) is not None


def require_portal_client(request) -> Client:
    """The requester's active client record, or PermissionDenied (403) for everyone
    else: for API actions that only a client may take."""
    if is_staff_member(request.user):
        raise ApiPermissionDenied(_("Clients do this for themselves; staff cannot."))
    client = portal_client(request)
    if client is None:
        raise ApiPermissionDenied(IsPortalClient.message)
    return client


# --- the back office (admin) -------------------------------------------------------------


class PermissionFirstAdminMixin:
    """Refuse a page before looking its object up: the stock history view first sends
    someone who may not see the model to the index with "does not exist", where the
    change page answers 403."""

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)


class StaffAdminMixin(PermissionFirstAdminMixin):
    """A ModelAdmin for the business's staff: owners and coaches may view, add, change
    and delete (within what the queryset shows them)."""

    def _allowed(self, request) -> bool:
        return is_staff_member(request.user)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)


class OwnerAdminMixin(StaffAdminMixin):
    """A ModelAdmin only the owner opens."""

    def _allowed(self, request) -> bool:
        return is_owner(request.user)


class BillingAdminMixin(StaffAdminMixin):
    """Billing records: the owner, and coaches when the owner lets them see billing,
    read them (within what the queryset shows); nobody adds, changes or deletes them
    here: services do, from pages of their own."""

    def _allowed(self, request) -> bool:
        return sees_billing(request.user, request=request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OwnerWritesAdminMixin(StaffAdminMixin):
    """Staff read; only the owner adds, changes and deletes."""

    def has_add_permission(self, request):
        return is_owner(request.user)

    def has_change_permission(self, request, obj=None):
        return is_owner(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_owner(request.user)


__all__ = [
    "BACK_OFFICE",
    "BillingAdminMixin",
    "IsBillingOwner",
    "IsMember",
    "IsOwner",
    "IsPortalClient",
    "IsStaffMember",
    "OwnerAdminMixin",
    "OwnerWritesAdminMixin",
    "PermissionFirstAdminMixin",
    "ReadOrBillingOwnerWrites",
    "ReadOrOwnerWrites",
    "ReadOrStaffWrites",
    "StaffAdminMixin",
    "billing_role",
    "coaches_see_billing",
    "is_coach",
    "is_member",
    "is_owner",
    "is_staff_member",
    "may_invite",
    "no_record_context",
    "no_record_response",
    "portal_client",
    "portal_client_for_user",
    "portal_client_required",
    "require_portal_client",
    "role_of",
    "sees_billing",
    "staff_may",
]

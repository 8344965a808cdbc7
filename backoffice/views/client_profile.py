"""Back office: one client's profile. A header with the essentials (status, primary
coach, current program, contact, last activity), the health flag explained and the
day's actions (message, book, assign a program, invite, add a note), then tabs that
each load only what they show: one request per tab, plain links, no script.

    /admin/clients/client/<id>/profile/                   Overview
    /admin/clients/client/<id>/profile/training/          program, schedule, workouts, records
    /admin/clients/client/<id>/profile/progress/          measurements and photos
    /admin/clients/client/<id>/profile/nutrition/         targets, meal plan, habits
    /admin/clients/client/<id>/profile/forms/             intake answers and check-ins
    /admin/clients/client/<id>/profile/messages/          the conversation (POST: start it)
    /admin/clients/client/<id>/profile/bookings/          sessions booked and past
    /admin/clients/client/<id>/profile/billing/           packages, payments, invoices
    /admin/clients/client/<id>/profile/notes/             notes, pipeline, files, data

A coach opens only their own clients (another coach's: 404, as on the change form);
Billing is for whom ``accounts.policies.sees_billing`` lets see it (others: 403). The
panels are the concerns' own (``templates/clients/backoffice/_panel_*.html`` and their
template tags); writes go to the routes those forms always posted to. "Edit details"
is the change form.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import Invitation
from accounts.policies import is_owner, is_staff_member, may_invite, sees_billing, staff_may
from billing.selectors import invoice_queryset_for
from clients.models import Client, Tag
from clients.selectors import client_page_extras, client_queryset_for
from clients.selectors_intake import response_files_of_client
from messaging import services as messaging_services
from messaging.selectors import (
    attachments_of_thread,
    client_thread_for,
    messages_for,
    person_name,
)
from programs.models import ProgramAssignment
from programs.selectors.assignment import assignments_of_client
from scheduling.selectors import business_zone, client_bookings

from ..chrome import render_page

URL_NAME = "clients_client_profile"


@dataclass(frozen=True)
class Tab:
    slug: str
    label: str


TABS = (
    Tab("overview", gettext_lazy("Overview")),
    Tab("training", gettext_lazy("Training")),
    Tab("progress", gettext_lazy("Progress")),
    Tab("nutrition", gettext_lazy("Nutrition and habits")),
    Tab("forms", gettext_lazy("Forms and check-ins")),
    Tab("messages", gettext_lazy("Messages")),
    Tab("bookings", gettext_lazy("Bookings")),
    Tab("billing", gettext_lazy("Billing")),
    Tab("notes", gettext_lazy("Notes and files")),
)
TAB_SLUGS = tuple(tab.slug for tab in TABS)
OVERVIEW = "overview"

MESSAGES_SHOWN = 10
BOOKINGS_SHOWN = 10
INVOICES_SHOWN = 10
FILES_SHOWN = 20


def url_name(tab: str = OVERVIEW) -> str:
    """The route's name of ``tab`` (in the ``backoffice`` namespace)."""
    return URL_NAME if tab == OVERVIEW else f"{URL_NAME}_{tab}"


def profile_url(client_id: int, tab: str = OVERVIEW) -> str:
    """The client's profile, on ``tab``: where the back office shows a client."""
    return reverse(f"backoffice:{url_name(tab)}", args=[client_id])


def urls(site):
    view = site.admin_view(profile_view)
    base = "clients/client/<int:pk>/profile/"
    return [
        path(
            base if tab.slug == OVERVIEW else f"{base}{tab.slug}/",
            view,
            {"tab": tab.slug},
            name=url_name(tab.slug),
        )
        for tab in TABS
    ]


# --- who opens what ---------------------------------------------------------------------


def _client(request: HttpRequest, pk: int) -> Client:
    """The client, if the signed-in person is staff who may see clients (else 403) and
    sees this one (else 404: a coach, only their own). With the primary coach, the
    portal login's id and the tags (two queries)."""
    request.current_app = "backoffice"
    user = request.user
    if not is_staff_member(user) or not (
        staff_may(user, "clients.view_client") or staff_may(user, "clients.change_client")
    ):
        raise PermissionDenied
    clients = (
        client_queryset_for(user=user)
        .select_related("primary_coach")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
    )
    return get_object_or_404(clients, pk=pk)


def _tabs(request: HttpRequest, client: Client, current: str) -> list[dict]:
    shown = [
        tab for tab in TABS if tab.slug != "billing" or sees_billing(request.user, request=request)
    ]
    return [
        {
            "slug": tab.slug,
            "label": tab.label,
            "url": profile_url(client.pk, tab.slug),
            "current": tab.slug == current,
        }
        for tab in shown
    ]


# --- the header (every tab) --------------------------------------------------------------


def _header(request: HttpRequest, client: Client, thread) -> dict:
    """The essentials and the actions: the current program (one query), the portal
    invitation of a client without a login (one query), and the note list and pipeline
    as lazy querysets for the tabs that show them."""
    user = request.user
    extras = client_page_extras(client=client)
    current = (
        assignments_of_client(client=client)
        .filter(status=ProgramAssignment.Status.ACTIVE)
        .order_by("-is_main", "-created_at")
        .first()
    )
    invitation = extras["invitation"]
    archived = client.is_archived
    may_invite_here = may_invite(user, role=Invitation.Role.CLIENT)
    return {
        **extras,
        "current_assignment": current,
        "thread": thread,
        "may_invite": may_invite_here,
        "may_note": staff_may(user, "clients.change_client"),
        "may_delete_notes": is_owner(user),  # authors delete their own
        "can_book": not archived,
        "can_start_thread": thread is None and not archived,
        "invite_offered": (
            may_invite_here
            and not client.user_id
            and not archived
            and bool(client.email)
            # one on its way is resent or withdrawn in the Overview's portal box
            and not (invitation and invitation.status in ("pending", "expired"))
        ),
        "edit_url": reverse("backoffice:clients_client_change", args=[client.pk]),
        "book_url": reverse("backoffice:scheduling_book") + f"?client={client.pk}",
        "assign_url": reverse("backoffice:programs_programassignment_assign")
        + f"?clients={client.pk}",
        "thread_url": reverse("backoffice:messaging_thread", args=[thread.pk]) if thread else "",
        "messages_url": profile_url(client.pk, "messages"),
        "notes_url": profile_url(client.pk, "notes"),
    }


# --- each tab's own context --------------------------------------------------------------
# The panels of training, progress, nutrition, forms, data and packages load themselves
# through their template tags (``{% training_panel %}`` and its kin); these add the rest.


def _age(born, today) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _overview(request: HttpRequest, client: Client, header: dict) -> dict:
    now = timezone.now()
    return {
        "age": _age(client.date_of_birth, now.astimezone(business_zone()).date()),
        "coaches": list(client.coaches.order_by("first_name", "email")),
        "next_bookings": list(client_bookings(client=client, now=now)[:3]),
        "latest_notes": list(header["notes"][:3]),
        "zone": business_zone(),
    }


def _messages(request: HttpRequest, client: Client, header: dict) -> dict:
    thread = header["thread"]
    if thread is None:
        return {"page": None}
    page = messages_for(thread=thread, user=request.user, limit=MESSAGES_SHOWN)
    for message in page.messages:
        message.mine = message.author_id == request.user.pk
        message.author_name = person_name(message.author, viewer=request.user)
    return {"page": page, "zone": request.user.tzinfo or business_zone()}


def _bookings(request: HttpRequest, client: Client, header: dict) -> dict:
    now = timezone.now()
    return {
        "upcoming": list(client_bookings(client=client, now=now)[:BOOKINGS_SHOWN]),
        "past": list(client_bookings(client=client, now=now, upcoming=False)[:BOOKINGS_SHOWN]),
        "zone": business_zone(),
        "calendar_url": reverse("backoffice:scheduling_calendar"),
    }


def _billing(request: HttpRequest, client: Client, header: dict) -> dict:
    invoices = (
        invoice_queryset_for(user=request.user)
        .filter(client=client)
        .order_by("-created_at", "-pk")[:INVOICES_SHOWN]
    )
    owner = is_owner(request.user)
    return {
        "invoices": list(invoices),
        "is_owner": owner,
        "invoices_url": reverse("backoffice:billing_invoice_changelist")
        + f"?client__id__exact={client.pk}",
        "invoice_add_url": reverse("backoffice:billing_invoice_add") + f"?client={client.pk}",
    }


def _notes(request: HttpRequest, client: Client, header: dict) -> dict:
    thread = header["thread"]
    return {
        "form_files": response_files_of_client(user=request.user, client=client, limit=FILES_SHOWN),
        "message_files": attachments_of_thread(thread=thread, user=request.user, limit=FILES_SHOWN)
        if thread is not None
        else [],
    }


TAB_CONTEXT = {
    "overview": _overview,
    "messages": _messages,
    "bookings": _bookings,
    "billing": _billing,
    "notes": _notes,
}


# --- the page ---------------------------------------------------------------------------


def _start_conversation(request: HttpRequest, client: Client) -> HttpResponse:
    """The header's "Message" for a client without a conversation yet: start it
    (``messaging.services.client_thread_get_or_create``) and open it."""
    try:
        thread = messaging_services.client_thread_get_or_create(client=client, by=request.user)
    except (PermissionDenied, ValidationError):
        raise Http404 from None
    return redirect("backoffice:messaging_thread", pk=thread.pk)


def profile_view(request: HttpRequest, pk: int, tab: str = OVERVIEW) -> HttpResponse:
    """One tab of the client's profile, under the header."""
    if tab not in TAB_SLUGS:
        raise Http404
    client = _client(request, pk)
    if request.method == "POST":
        if tab == "messages" and request.POST.get("do") == "start":
            return _start_conversation(request, client)
        return HttpResponseNotAllowed(["GET"])
    thread = client_thread_for(client=client)
    header = _header(request, client, thread)
    status = 200
    context = {
        "title": client.full_name,
        "client": client,
        "tab": tab,
        "tabs": _tabs(request, client, tab),
        "tab_label": next(t.label for t in TABS if t.slug == tab),
        **header,
    }
    if tab == "billing" and not sees_billing(request.user, request=request):
        context["billing_refused"] = True
        status = 403
    elif tab in TAB_CONTEXT:
        context.update(TAB_CONTEXT[tab](request, client, header))
    template = f"backoffice/client_profile/{tab}.html"
    return render_page(request, template, context, status=status)

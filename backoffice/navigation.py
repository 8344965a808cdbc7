"""The back office's navigation, by job: Today, Clients, Calendar, Messages, Programs,
Forms and check-ins, Nutrition, Shop and billing, Settings.

Who sees an entry is the access policy's answer, never a rule of this module's: a list
is shown when its ModelAdmin lets the person view it (the admin asks
``accounts.policies`` through its mixins), a page when the policy's rule for that page
says so (the same rule the page's view applies; ``backoffice/tests/test_navigation.py``
opens every entry shown to each role and checks it answers). Plumbing (roles, audit
entries, Stripe events, answers, metrics, tax rates) lives under Settings.

Building it costs no query beyond the person's role (cached on the user) and, for
coaches, the owner's billing switch (cached on the request); the addresses are reversed
once per process, not on every page (Django's own app list reversed about 120 a page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.urls import NoReverseMatch, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from accounts.policies import is_owner, is_staff_member, sees_billing

Rule = Callable[[object], bool]  # request -> may see


def staff(request) -> bool:
    return is_staff_member(request.user)


def owner(request) -> bool:
    return is_owner(request.user)


def billing(request) -> bool:
    return sees_billing(request.user, request=request)


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str  # in the back office's namespace
    model: str = ""  # "app_label.model": shown when its ModelAdmin lets the person view it
    rule: Rule = staff  # otherwise: the page's rule
    query: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    entries: tuple[Entry, ...]


SECTIONS: tuple[Section, ...] = (
    Section("today", _("Today"), (Entry(_("Today"), "index"),)),
    Section(
        "clients",
        _("Clients"),
        (
            Entry(_("All clients"), "clients_client_changelist", model="clients.client"),
            Entry(
                _("Leads"),
                "clients_client_changelist",
                model="clients.client",
                query="?status=lead",
            ),
            Entry(_("Invitations"), "accounts_invitation_changelist", model="accounts.invitation"),
            Entry(_("Tags"), "clients_tag_changelist", model="clients.tag"),
            Entry(_("Import and export"), "clients_transfer_import"),
        ),
    ),
    Section(
        "calendar",
        _("Calendar"),
        (
            Entry(_("Calendar"), "scheduling_calendar"),
            Entry(_("Bookings"), "scheduling_booking_changelist", model="scheduling.booking"),
            Entry(
                _("Classes and sessions"),
                "scheduling_appointment_changelist",
                model="scheduling.appointment",
            ),
            Entry(
                _("Session types"),
                "scheduling_sessiontype_changelist",
                model="scheduling.sessiontype",
            ),
            Entry(
                _("Working hours"),
                "scheduling_weeklyhours_changelist",
                model="scheduling.weeklyhours",
            ),
            Entry(_("Time off"), "scheduling_timeoff_changelist", model="scheduling.timeoff"),
            Entry(
                _("Own calendars"),
                "scheduling_busycalendar_changelist",
                model="scheduling.busycalendar",
            ),
            Entry(
                _("Booking settings"),
                "scheduling_schedulingsettings_changelist",
                model="scheduling.schedulingsettings",
            ),
        ),
    ),
    Section(
        "messages",
        _("Messages"),
        (
            Entry(_("Inbox"), "messaging_inbox"),
            Entry(
                _("Announcements"),
                "messaging_announcement_changelist",
                model="messaging.announcement",
            ),
            Entry(_("Notifications"), "notifications"),
        ),
    ),
    Section(
        "programs",
        _("Programs"),
        (
            Entry(_("Programs"), "programs_program_changelist"),
            Entry(
                _("Assigned programs"),
                "programs_programassignment_changelist",
                model="programs.programassignment",
            ),
            Entry(_("Exercise library"), "programs_exercise_changelist"),
            Entry(_("Program generator"), "programs_generator"),
            Entry(
                _("Workouts logged"), "programs_workoutlog_changelist", model="programs.workoutlog"
            ),
            Entry(
                _("Personal records"),
                "programs_personalrecord_changelist",
                model="programs.personalrecord",
            ),
        ),
    ),
    Section(
        "forms",
        _("Forms and check-ins"),
        (
            Entry(_("Check-ins to review"), "clients_checkin_queue"),
            Entry(_("Forms"), "clients_questionnaire_changelist", model="clients.questionnaire"),
            Entry(
                _("Check-in schedules"),
                "clients_checkinplan_changelist",
                model="clients.checkinplan",
            ),
            Entry(_("Answers to match"), "clients_response_held_list"),
        ),
    ),
    Section(
        "nutrition",
        _("Nutrition"),
        (
            Entry(_("Meal plans"), "programs_mealplan_changelist", model="programs.mealplan"),
            Entry(
                _("Nutrition targets"),
                "programs_nutritiontarget_changelist",
                model="programs.nutritiontarget",
            ),
            Entry(_("Habits"), "clients_habit_changelist", model="clients.habit"),
            Entry(_("Foods"), "programs_food_changelist", model="programs.food"),
        ),
    ),
    Section(
        "billing",
        _("Shop and billing"),
        (
            Entry(_("Products"), "billing_product_changelist", model="billing.product"),
            Entry(_("Purchases"), "billing_purchase_changelist", model="billing.purchase"),
            Entry(_("Invoices"), "billing_invoice_changelist", model="billing.invoice"),
            Entry(_("Payments"), "billing_payment_changelist", model="billing.payment"),
            Entry(_("Revenue"), "billing_revenue", rule=owner),
            Entry(_("Online payments"), "billing_connect", rule=owner),
        ),
    ),
    Section(
        "settings",
        _("Settings"),
        (
            Entry(_("Business"), "business_settings", rule=owner),
            Entry(_("Your plan"), "billing", rule=owner),
            Entry(_("Team"), "accounts_user_changelist", model="accounts.user"),
            Entry(_("Roles"), "auth_group_changelist", model="auth.group"),
            Entry(_("E-mail wording"), "email_settings", rule=owner),
            Entry(_("My notifications"), "notification_preferences"),
            Entry(
                _("Billing settings"),
                "billing_billingsettings_changelist",
                model="billing.billingsettings",
            ),
            Entry(_("Tax rates"), "billing_taxrate_changelist", model="billing.taxrate"),
            Entry(_("Progress metrics"), "clients_metric_changelist", model="clients.metric"),
            Entry(_("All answers"), "clients_response_changelist", model="clients.response"),
            Entry(_("Audit log"), "clients_auditentry_changelist", model="clients.auditentry"),
            Entry(
                _("Stripe events"), "billing_stripeevent_changelist", model="billing.stripeevent"
            ),
        ),
    ),
)

_paths: dict[tuple, str | None] = {}


def _path(site, entry: Entry) -> str | None:
    """The entry's address, reversed once per URL configuration (None: no such page)."""
    key = (get_urlconf(), site.name, entry.url_name)
    if key not in _paths:
        try:
            _paths[key] = reverse(f"{site.name}:{entry.url_name}")
        except NoReverseMatch:
            _paths[key] = None
    path = _paths[key]
    return path + entry.query if path is not None else None


def _may_see(site, request, entry: Entry) -> bool:
    if entry.model:
        model_admin = site._registry.get(apps.get_model(entry.model))
        return model_admin is not None and model_admin.has_view_permission(request)
    return entry.rule(request)


def navigation_for(site, request) -> list[dict]:
    """The sections ``request.user`` may open, each with the entries they may see and
    the one they are on marked current (the longest address the page's path starts with;
    a section's first entry is its landing page)."""
    sections = []
    for section in SECTIONS:
        entries = []
        for entry in section.entries:
            path = _path(site, entry)
            if path is not None and _may_see(site, request, entry):
                entries.append({"label": entry.label, "url": path})
        if entries:
            sections.append({"key": section.key, "label": section.label, "entries": entries})
    _mark_current(sections, request.get_full_path())
    return sections


def _mark_current(sections: list[dict], here: str) -> None:
    best, best_length = None, -1
    for section in sections:
        for entry in section["entries"]:
            url = entry["url"]
            # the page's path and query start with the entry's (so an entry with a query,
            # Leads: ?status=lead, is that query's page only); an exact match wins
            if here.startswith(url):
                length = len(url) + (10_000 if url == here else 0)
                if length > best_length:
                    best, best_length = (section, entry), length
    if best is not None:
        best[0]["current"] = True
        best[1]["current"] = True


def place_of(model_label: str) -> tuple[Section, Entry] | None:
    """The section and the entry that list ``model_label`` ("app_label.model"), for a
    page's breadcrumbs; None for a model the navigation does not list."""
    for section in SECTIONS:
        for entry in section.entries:
            if entry.model == model_label and not entry.query:
                return section, entry
    return None

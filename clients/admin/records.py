"""Back office: the client list (search, filters, bulk actions, each client's figures)
and the client page."""

import datetime as dt

from django.contrib import admin, messages
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Prefetch
from django.db.models.expressions import OrderBy
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Invitation
from accounts.policies import is_owner, may_invite, sees_billing
from mectofitness.core.admin_registry import register_in_backoffice

from ..forms_records import ClientActionForm, ClientAdminForm
from ..models import Client, Tag
from ..selectors import (
    client_list_date,
    client_list_rows,
    client_list_today,
    client_page_extras,
    client_queryset_for,
    client_search,
    coach_list,
)
from ..services.records import (
    client_record_save,
    clients_bulk_assign_coach,
    clients_bulk_status,
    clients_bulk_tag,
    tag_delete,
    tag_get_or_create,
    tag_save,
)
from .intake import send_form_action
from .transfer import export_selected_as_csv


def _error_text(exc) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


@admin.action(description=_("Assign a program…"))
def assign_program_to_clients(modeladmin, request, queryset):
    """Open the programs app's assign page with these clients ticked."""
    ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True)[:200])
    return redirect(f"{reverse('backoffice:programs_programassignment_assign')}?clients={ids}")


class StatusFilter(admin.SimpleListFilter):
    """Archived clients are hidden unless asked for: archiving hides, never deletes."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("all", _("All, with archived")),
            ("counted", _("Active or onboarding")),
            *Client.Status.choices,
        ]

    def choices(self, changelist):
        value = self.value()
        yield {
            "selected": value is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Current (not archived)"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset.exclude(status=Client.Status.ARCHIVED)
        if value == "counted":  # the home page's "active clients"
            return queryset.filter(status__in=Client.ACTIVE_STATUSES)
        if value in Client.Status.values:
            return queryset.filter(status=value)
        return queryset


class CoachFilter(admin.SimpleListFilter):
    title = _("coach")
    parameter_name = "coach"

    def lookups(self, request, model_admin):
        if not is_owner(request.user):
            return [("me", _("Mine as primary coach"))]
        return [("none", _("No coach")), *((str(c.pk), str(c)) for c in coach_list())]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            return queryset.filter(primary_coach=request.user)
        if value == "none":
            return queryset.filter(primary_coach__isnull=True)
        if value and value.isdigit():
            shared = Client.coaches.through.objects.filter(user_id=int(value)).values("client_id")
            return queryset.filter(primary_coach_id=int(value)) | queryset.filter(pk__in=shared)
        return queryset


class ActivityFilter(admin.SimpleListFilter):
    title = _("last activity")
    parameter_name = "activity"

    def lookups(self, request, model_admin):
        return [
            ("7", _("In the last 7 days")),
            ("30", _("In the last 30 days")),
            ("quiet30", _("Quiet for 30 days or more")),
            ("never", _("Never")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        match self.value():
            case "7" | "30" as days:
                return queryset.filter(last_activity_at__gte=now - dt.timedelta(days=int(days)))
            case "quiet30":
                return queryset.filter(last_activity_at__lt=now - dt.timedelta(days=30))
            case "never":
                return queryset.filter(last_activity_at__isnull=True)
        return queryset


class RankedChangeList(ChangeList):
    """With a search, results come best match first unless a column is clicked."""

    def get_ordering(self, request, queryset):
        if self.query and ORDER_VAR not in self.params and queryset.query.order_by:
            return [*queryset.query.order_by]
        return super().get_ordering(request, queryset)


class ClientChangeList(RankedChangeList):
    """The client list: each row carries its figures (``client_list_rows``), and a
    figure a client has none of (shown "—") sorts last whichever way its column goes."""

    def get_queryset(self, request, exclude_parameters=None):
        if not getattr(self, "_has_figures", False):
            # once: the filters, their counts and the search all start from here
            self.root_queryset = client_list_rows(
                clients=self.root_queryset, user=request.user, request=request
            )
            self._has_figures = True
        rows = super().get_queryset(request, exclude_parameters)
        if self.query and ORDER_VAR in self.params:
            # the search orders its matches by rank: a clicked column goes first, the
            # rank after it
            rows = rows.order_by(*self.get_ordering(request, rows))
        return rows

    def get_ordering(self, request, queryset):
        return [
            OrderBy(part.expression, descending=part.descending, nulls_last=True)
            if isinstance(part, OrderBy)
            else part
            for part in super().get_ordering(request, queryset)
        ]


def _figure_order(name: str) -> OrderBy:
    return F(name).asc(nulls_last=True)


# the markup of a column's words, per language: each of a page's 50 rows repeats them
# (translating and escaping them again each time was a good part of a row's cost)
_words_markup: dict[tuple[str, str | None, str], str] = {}


def _once(kind: str, message: str, markup: str) -> str:
    key = (kind, get_language(), message)
    if key not in _words_markup:
        _words_markup[key] = format_html(
            markup, capfirst(gettext(message)) if kind == "label" else gettext(message)
        )
    return _words_markup[key]


def _cell(label: str, content) -> str:
    """A cell's content led by its column's name (``label``, marked ``gettext_noop``),
    which only a phone shows (the table becomes cards there:
    static/css/backoffice-clients.css)."""
    return _once("label", label, '<span class="mf-cl-label">{}</span>') + conditional_escape(
        content
    )


def _none(meaning: str) -> str:
    """The "—" of an empty figure, read out as what it means (``meaning``, marked
    ``gettext_noop``)."""
    return _once(
        "none",
        meaning,
        '<span class="mf-cl-none" aria-hidden="true">—</span>'
        '<span class="visually-hidden">{}</span>',
    )


def _ago(when) -> str:
    """``when`` as people say it ("yesterday", "3 days ago"), with the date on hover."""
    if when is None:
        return _none(gettext_noop("never"))
    day = client_list_date(when=when)
    days = max(0, (client_list_today() - day).days)
    if days == 0:
        text = gettext("today")
    elif days == 1:
        text = gettext("yesterday")
    elif days < 14:
        text = ngettext("%(n)d day ago", "%(n)d days ago", days) % {"n": days}
    elif days < 60:
        weeks = days // 7
        text = ngettext("%(n)d week ago", "%(n)d weeks ago", weeks) % {"n": weeks}
    else:
        months = days // 30
        text = ngettext("%(n)d month ago", "%(n)d months ago", months) % {"n": months}
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        when.isoformat(),
        formats.date_format(day, "DATE_FORMAT"),
        text,
    )


class ClientAdmin(admin.ModelAdmin):
    form = ClientAdminForm
    action_form = ClientActionForm
    list_display = [
        "name_display",
        "status_display",
        "coach_display",
        "program_display",
        "compliance_display",
        "last_workout_display",
        "last_checkin_display",
        "sessions_left_display",
    ]
    list_display_links = None  # the name cell links the name alone (not the e-mail, tags)
    list_filter = [StatusFilter, CoachFilter, "tags", ActivityFilter, "source"]
    search_fields = ["search_name"]  # shows the box; client_search does the work
    search_help_text = _("Name, e-mail or phone; partial, accents and case ignored.")
    list_per_page = 50
    show_full_result_count = False
    autocomplete_fields = []
    actions = ["set_status", "add_tag", "assign_coach"]
    readonly_fields = ["user", "created_at", "status_changed_at", "last_activity_at"]
    change_form_template = "clients/backoffice/client_change_form.html"
    change_list_template = "clients/backoffice/client_change_list.html"
    fieldsets = [
        (
            _("Person"),
            {
                "fields": [
                    ("first_name", "last_name"),
                    ("email", "phone"),
                    ("date_of_birth", "gender"),
                ]
            },
        ),
        (
            _("Coaching"),
            {
                "fields": [
                    ("status", "source"),
                    "primary_coach",
                    "coaches",
                    "tags",
                    "experience_level",
                    "goals",
                ]
            },
        ),
        (_("Health"), {"fields": ["injuries", "medical_notes"]}),
        (
            _("Emergency contact"),
            {"fields": [("emergency_contact_name", "emergency_contact_phone")]},
        ),
        (_("Preferences"), {"fields": [("timezone", "units")]}),
        (
            _("Record"),
            {
                "classes": ["collapse"],
                "fields": ["user", "created_at", "status_changed_at", "last_activity_at"],
            },
        ),
    ]

    # --- who sees what -------------------------------------------------------------

    def get_queryset(self, request):
        return (
            client_queryset_for(user=request.user)
            .select_related("primary_coach")
            .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if not is_owner(request.user):
            fields.append("primary_coach")  # a coach cannot hand a client away or take one
        return fields

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not is_owner(request.user):
            actions.pop("assign_coach", None)
        for action in (assign_program_to_clients, send_form_action):
            actions[action.__name__] = (action, action.__name__, action.short_description)
        if request.user.has_perm("clients.export_client"):
            actions["export_selected_as_csv"] = (
                export_selected_as_csv,
                "export_selected_as_csv",
                export_selected_as_csv.short_description,
            )
        return actions

    def has_delete_permission(self, request, obj=None):
        return False  # archive instead; erasure on request has its own page

    def get_changelist(self, request, **kwargs):
        return ClientChangeList

    def get_list_display(self, request):
        if sees_billing(request.user, request=request):
            return self.list_display
        # a coach sees sessions left only while the owner lets coaches see billing
        return [name for name in self.list_display if name != "sessions_left_display"]

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return client_search(clients=queryset, query=search_term), False

    # --- saving goes through the service -------------------------------------------

    def response_change(self, request, obj):
        """Saving "Edit details" goes back to the client's profile, not the list
        ("Save and continue editing" stays on the form, as Django does)."""
        response = super().response_change(request, obj)
        if (
            "_continue" in request.POST
            or "_addanother" in request.POST
            or "_saveasnew" in request.POST
        ):
            return response
        if response.status_code == 302:
            return redirect(f"{self.admin_site.name}:clients_client_profile", obj.pk)
        return response

    def save_model(self, request, obj, form, change):
        client_record_save(
            client=obj,
            by=request.user,
            tags=form.cleaned_data.get("tags"),
            coaches=form.cleaned_data.get("coaches"),
        )

    def save_related(self, request, form, formsets, change):
        # the tags and coaches went with the record, through the service: no save_m2m
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "primary_coach":
            kwargs["queryset"] = coach_list()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "coaches":
            kwargs["queryset"] = coach_list()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # --- columns (the figures are client_list_rows' annotations) -----------------------

    @admin.display(description=_("name"), ordering="last_name")
    def name_display(self, obj):
        url = reverse(f"{self.admin_site.name}:clients_client_profile", args=[obj.pk])
        flag = (
            format_html(
                ' <span class="mf-flag" role="img" title="{}" aria-label="{}">!</span>',
                gettext("Injuries or medical notes on record"),
                gettext("Health flag: injuries or medical notes on record"),
            )
            if obj.has_health_flag
            else ""
        )
        tags = format_html_join(
            "", '<span class="mf-tag">{}</span>', ((tag.name,) for tag in obj.tags.all())
        )
        return format_html(
            '<a class="mf-cl-name" href="{}">{}</a>{}<span class="mf-cell-detail">{}</span>{}',
            url,
            obj.full_name,
            flag,
            obj.email or obj.phone or "",
            format_html('<span class="mf-cl-tags">{}</span>', tags) if tags else "",
        )

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj):
        return _cell(
            gettext_noop("status"),
            format_html(
                '<span class="mf-status mf-status--{}">{}</span>',
                obj.status,
                Client.Status(obj.status).label,
            ),
        )

    @admin.display(description=_("primary coach"), ordering="primary_coach__first_name")
    def coach_display(self, obj):
        coach = obj.primary_coach
        shown = (coach.get_full_name() or coach.email) if coach else _none(gettext_noop("no coach"))
        return _cell(gettext_noop("primary coach"), shown)

    @admin.display(description=_("program"), ordering=_figure_order("current_program"))
    def program_display(self, obj):
        name = getattr(obj, "current_program", None)
        return _cell(gettext_noop("program"), name or _none(gettext_noop("no active program")))

    @admin.display(description=_("compliance"), ordering=_figure_order("compliance_ratio"))
    def compliance_display(self, obj):
        done = getattr(obj, "compliance_done", 0) or 0
        due = getattr(obj, "compliance_due", 0) or 0
        if not due:
            return _cell(
                gettext_noop("compliance"),
                _none(gettext_noop("nothing scheduled in the last 4 weeks")),
            )
        percent = round(100 * done / due)
        level = "low" if percent < 50 else "mid" if percent < 80 else "high"
        return _cell(
            gettext_noop("compliance"),
            format_html(
                '<span class="mf-compliance mf-compliance--{}">'
                '<meter min="0" max="100" value="{}" aria-hidden="true"></meter>'
                '<span class="mf-compliance__value">{}%</span>'
                '<span class="mf-compliance__detail">{}</span></span>',
                level,
                percent,
                percent,
                gettext("%(done)d of %(due)d workouts") % {"done": done, "due": due},
            ),
        )

    @admin.display(description=_("last workout"), ordering=_figure_order("last_workout_at"))
    def last_workout_display(self, obj):
        return _cell(gettext_noop("last workout"), _ago(getattr(obj, "last_workout_at", None)))

    @admin.display(description=_("last check-in"), ordering=_figure_order("last_checkin_at"))
    def last_checkin_display(self, obj):
        return _cell(gettext_noop("last check-in"), _ago(getattr(obj, "last_checkin_at", None)))

    @admin.display(description=_("sessions left"), ordering=_figure_order("sessions_left"))
    def sessions_left_display(self, obj):
        left = getattr(obj, "sessions_left", None)
        return _cell(
            gettext_noop("sessions left"),
            _none(gettext_noop("no session pack")) if left is None else left,
        )

    # --- bulk actions --------------------------------------------------------------

    @admin.action(description=_("Set status of selected clients"), permissions=["change"])
    def set_status(self, request, queryset):
        status = request.POST.get("status", "")
        if status not in Client.Status.values:
            self.message_user(request, _("Choose a status in the bar first."), messages.WARNING)
            return
        try:
            count = clients_bulk_status(clients=queryset, status=status, by=request.user)
        except ValidationError as exc:  # e.g. the plan has no room for more active clients
            self.message_user(request, _error_text(exc), messages.ERROR)
            return
        self.message_user(request, _("%(n)d clients changed status.") % {"n": count})

    @admin.action(description=_("Add a tag to selected clients"), permissions=["change"])
    def add_tag(self, request, queryset):
        try:
            tag = tag_get_or_create(name=request.POST.get("tag", ""))
        except ValidationError as exc:
            self.message_user(request, _error_text(exc), messages.WARNING)
            return
        count = clients_bulk_tag(clients=queryset, tag=tag)
        self.message_user(request, _("Tagged %(n)d clients “%(tag)s”.") % {"n": count, "tag": tag})

    @admin.action(description=_("Assign selected clients to a coach"), permissions=["change"])
    def assign_coach(self, request, queryset):
        coach = coach_list().filter(pk=request.POST.get("coach") or 0).first()
        if coach is None:
            self.message_user(request, _("Choose a coach in the bar first."), messages.WARNING)
            return
        try:
            count = clients_bulk_assign_coach(clients=queryset, coach=coach, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, _error_text(exc), messages.ERROR)
            return
        self.message_user(
            request, _("%(n)d clients now coached by %(coach)s.") % {"n": count, "coach": coach}
        )

    # --- the client page: the form, with the timeline of notes and the portal ----------
    # (the page's own doors, notes and invitations, are backoffice.views.client_records)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        client = (
            self.get_queryset(request).select_related("user").filter(pk=object_id).first()
            if object_id.isdigit()
            else None
        )
        if request.method == "GET":
            request.client_page_record = client  # the form shows the same row: get_object
        extra = dict(extra_context or {})
        if client is not None:
            extra.update(
                client=client,
                may_invite=may_invite(request.user, role=Invitation.Role.CLIENT),
                may_delete_notes=is_owner(request.user),  # authors delete their own
                **client_page_extras(client=client),
            )
        return super().change_view(request, object_id, form_url, extra)

    def get_object(self, request, object_id, from_field=None):
        """The row ``change_view`` read for the page (with its tags and login) on a GET,
        not read again; a POST's form gets its own (it changes it while validating)."""
        client = getattr(request, "client_page_record", None)
        if client is not None and from_field is None and str(client.pk) == str(object_id):
            return client
        return super().get_object(request, object_id, from_field)


class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "colour"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        tag_save(tag=obj)

    def delete_model(self, request, obj):
        tag_delete(tag=obj)

    def delete_queryset(self, request, queryset):
        for tag in queryset:
            tag_delete(tag=tag)


register_in_backoffice(Client, ClientAdmin)
register_in_backoffice(Tag, TagAdmin)

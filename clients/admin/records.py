"""Back office: the client list (search, filters, bulk actions) and the client page."""

import datetime as dt

from django.contrib import admin, messages
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _

from accounts.models import Invitation
from accounts.policies import is_owner, may_invite
from mectofitness.core.admin_registry import register_in_backoffice

from ..forms_records import ClientActionForm, ClientAdminForm
from ..models import Client, Tag
from ..selectors import client_page_extras, client_queryset_for, client_search, coach_list
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


class ClientAdmin(admin.ModelAdmin):
    form = ClientAdminForm
    action_form = ClientActionForm
    list_display = [
        "name_display",
        "status_display",
        "primary_coach",
        "tags_display",
        "activity_display",
    ]
    list_display_links = ["name_display"]
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
        return RankedChangeList

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return client_search(clients=queryset, query=search_term), False

    # --- saving goes through the service -------------------------------------------

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

    # --- columns -------------------------------------------------------------------

    @admin.display(description=_("name"), ordering="last_name")
    def name_display(self, obj):
        flag = (
            format_html(
                ' <span class="mf-flag" title="{}" aria-label="{}">!</span>',
                _("Injuries or medical notes"),
                _("Health flag"),
            )
            if obj.has_health_flag
            else ""
        )
        return format_html(
            '{}{}<span class="mf-cell-detail">{}</span>',
            obj.full_name,
            flag,
            obj.email or obj.phone or "",
        )

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj):
        return format_html(
            '<span class="mf-status mf-status--{}">{}</span>', obj.status, obj.get_status_display()
        )

    @admin.display(description=_("tags"))
    def tags_display(self, obj):
        return format_html_join(
            " ", '<span class="mf-tag">{}</span>', ((tag.name,) for tag in obj.tags.all())
        )

    @admin.display(description=_("last activity"), ordering="last_activity_at")
    def activity_display(self, obj):
        if obj.last_activity_at is None:
            return "—"
        return _("%(ago)s ago") % {"ago": timesince(obj.last_activity_at).split(",")[0]}

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
            self.get_queryset(request).filter(pk=object_id).first() if object_id.isdigit() else None
        )
        extra = dict(extra_context or {})
        if client is not None:
            extra.update(
                client=client,
                may_invite=may_invite(request.user, role=Invitation.Role.CLIENT),
                may_delete_notes=is_owner(request.user),  # authors delete their own
                **client_page_extras(client=client),
            )
        return super().change_view(request, object_id, form_url, extra)


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

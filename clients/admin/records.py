"""Back office: the client list (search, filters, bulk actions) and the client page."""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from accounts.models import Invitation, User
from accounts.policies import is_owner, may_invite
from mectofitness.core.admin_registry import register_in_backoffice

from ..models import Client, ClientNote, Tag
from ..selectors import (
    client_invitation_latest,
    client_queryset_for,
    client_search,
    client_search_top,
    coach_list,
)
from ..services.invitations import client_invitation_resend, client_invitation_revoke, client_invite
from ..services.records import (
    client_note_add,
    client_note_update,
    client_record_save,
    clients_bulk_assign_coach,
    clients_bulk_status,
    clients_bulk_tag,
    tag_get_or_create,
)


def _error_text(exc) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


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


class ClientActionForm(ActionForm):
    """The bulk-action bar: what to apply to the selected clients."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "—"), *Client.Status.choices]
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=40)
    coach = forms.ModelChoiceField(
        label=_("Coach"), required=False, queryset=User.objects.none(), empty_label="—"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = coach_list()


class RankedChangeList(ChangeList):
    """With a search, results come best match first unless a column is clicked."""

    def get_ordering(self, request, queryset):
        if self.query and ORDER_VAR not in self.params and queryset.query.order_by:
            return [*queryset.query.order_by]
        return super().get_ordering(request, queryset)


class ClientAdminForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "date_of_birth",
            "gender",
            "status",
            "source",
            "primary_coach",
            "coaches",
            "tags",
            "experience_level",
            "goals",
            "injuries",
            "medical_notes",
            "emergency_contact_name",
            "emergency_contact_phone",
            "timezone",
            "units",
        ]
        widgets = {
            "coaches": forms.CheckboxSelectMultiple(attrs={"class": "mf-checks"}),
            "tags": forms.CheckboxSelectMultiple(attrs={"class": "mf-checks"}),
            "goals": forms.Textarea(attrs={"rows": 3}),
            "injuries": forms.Textarea(attrs={"rows": 3}),
            "medical_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_status(self):
        """A client entering onboarding or active needs room on the plan: say so here."""
        from clients.services.records import _check_room

        status = self.cleaned_data.get("status")
        stored = Client.objects.filter(pk=self.instance.pk).values_list("status", flat=True)
        try:
            _check_room(to_status=status, from_status=stored.first() or "")
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict.get("status", exc.messages)) from exc
        return status


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
        from programs.admin.assignment import assign_program_to_clients

        from .intake import send_form_action

        actions["assign_program_to_clients"] = (
            assign_program_to_clients,
            "assign_program_to_clients",
            assign_program_to_clients.short_description,
        )

        actions["send_form_action"] = (
            send_form_action,
            "send_form_action",
            send_form_action.short_description,
        )
        try:
            from .transfer import export_selected_as_csv
        except ImportError:
            pass
        else:
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
        client_record_save(client=obj, by=request.user)

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
        from django.utils.timesince import timesince

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

    # --- the client page: timeline of notes and pipeline ------------------------------

    def get_urls(self):
        return [
            path("find/", self.admin_site.admin_view(self.find_view), name="clients_client_find"),
            path(
                "<int:client_id>/notes/",
                self.admin_site.admin_view(self.note_add_view),
                name="clients_client_note_add",
            ),
            path(
                "<int:client_id>/notes/<int:note_id>/",
                self.admin_site.admin_view(self.note_edit_view),
                name="clients_client_note_edit",
            ),
            path(
                "<int:client_id>/invitation/",
                self.admin_site.admin_view(self.invitation_view),
                name="clients_client_invitation",
            ),
            *super().get_urls(),
        ]

    def find_view(self, request):
        """The header's quick find: the best matches as you type, as JSON."""
        from django.http import JsonResponse

        if not self.has_view_permission(request):
            raise PermissionDenied
        query = request.GET.get("q", "")[:100]
        clients = client_search_top(
            clients=client_queryset_for(user=request.user).only(
                "id",
                "first_name",
                "last_name",
                "email",
                "phone",
                "status",
                "injuries",
                "medical_notes",
            ),
            query=query,
            limit=10,
        )
        return JsonResponse(
            {
                "results": [
                    {
                        "id": client.pk,
                        "name": client.full_name,
                        "detail": client.email or client.phone,
                        "status": client.get_status_display(),
                        "health_flag": client.has_health_flag,
                        "url": reverse(
                            f"{self.admin_site.name}:clients_client_change", args=[client.pk]
                        ),
                    }
                    for client in clients
                ]
            }
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        client = (
            self.get_queryset(request).filter(pk=object_id).first() if object_id.isdigit() else None
        )
        extra = dict(extra_context or {})
        if client is not None:
            extra.update(
                client=client,
                notes=client.notes.select_related("author"),
                status_changes=client.status_changes.select_related("changed_by")[:20],
                invitation=None if client.user_id else client_invitation_latest(client=client),
                may_invite=may_invite(request.user, role=Invitation.Role.CLIENT),
            )
        return super().change_view(request, object_id, form_url, extra)

    def _client_or_404(self, request, client_id):
        if not self.has_change_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=client_id)

    def _back(self, client):
        url = reverse(f"{self.admin_site.name}:clients_client_change", args=[client.pk])
        return HttpResponseRedirect(f"{url}#notes")

    def note_add_view(self, request, client_id):
        client = self._client_or_404(request, client_id)
        if request.method != "POST":
            return self._back(client)
        try:
            client_note_add(
                client=client,
                author=request.user,
                body=request.POST.get("body", ""),
                is_pinned=bool(request.POST.get("is_pinned")),
            )
        except ValidationError as exc:
            self.message_user(request, _error_text(exc), messages.ERROR)
        else:
            self.message_user(request, _("Note added."))
        return self._back(client)

    def note_edit_view(self, request, client_id, note_id):
        client = self._client_or_404(request, client_id)
        note = get_object_or_404(ClientNote, pk=note_id, client=client)
        if request.method != "POST":
            return self._back(client)
        if request.POST.get("toggle_pin"):
            body, pinned = note.body, not note.is_pinned
        else:
            body, pinned = request.POST.get("body", ""), note.is_pinned
        try:
            client_note_update(note=note, by=request.user, body=body, is_pinned=pinned)
        except ValidationError as exc:
            self.message_user(request, _error_text(exc), messages.ERROR)
        return self._back(client)

    def invitation_view(self, request, client_id):
        """The client page's portal buttons post here: ``do`` is invite, resend or revoke."""
        client = self._client_or_404(request, client_id)
        back = HttpResponseRedirect(
            reverse(f"{self.admin_site.name}:clients_client_change", args=[client.pk]) + "#portal"
        )
        if request.method != "POST":
            return back
        service, done = INVITATION_DOES.get(request.POST.get("do", ""), (None, ""))
        if service is None:
            self.message_user(request, _("Choose invite, resend or revoke."), messages.ERROR)
            return back
        try:
            invitation = service(client=client, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, _error_text(exc), messages.ERROR)
        else:
            # not starting with the address: the admin capitalises messages
            self.message_user(request, done % {"email": invitation.email}, messages.SUCCESS)
        return back


INVITATION_DOES = {
    "invite": (client_invite, _("Invitation sent to %(email)s.")),
    "resend": (client_invitation_resend, _("A new invitation link went to %(email)s.")),
    "revoke": (client_invitation_revoke, _("Invitation withdrawn: its link no longer works.")),
}


class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "colour"]
    search_fields = ["name"]


register_in_backoffice(Client, ClientAdmin)
register_in_backoffice(Tag, TagAdmin)

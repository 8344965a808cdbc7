"""Back office: the audit trail (owner only, read-only) at /admin/clients/auditentry/.

The pages of import, data export and erasure hang off it under the same path; they
are views in ``backoffice.views.client_transfer``. ``export_selected_as_csv`` is an
action for the client list (ClientAdmin.actions).
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.policies import OwnerAdminMixin, is_owner
from mectofitness.core.admin_registry import register_in_backoffice

from ..downloads import csv_export_response
from ..models import AuditEntry
from ..selectors import client_queryset_for


@admin.action(description=gettext_lazy("Export selected clients to CSV"))
def export_selected_as_csv(modeladmin, request, queryset):
    """A CSV of the selected clients (or all the filtered ones, with "select all"),
    limited to the clients the person may see, in the list's order."""
    if not (is_owner(request.user) or request.user.has_perm("clients.export_client")):
        raise PermissionDenied
    visible = client_queryset_for(user=request.user).values("pk")
    clients = queryset.filter(pk__in=visible)
    filters = {
        key: value
        for key, value in request.GET.items()
        if key not in ("p", "o", "_changelist_filters")
    }
    filters["selection"] = "all" if request.POST.get("select_across") == "1" else "picked"
    return csv_export_response(clients=clients, by=request.user, filters=filters)


class AuditEntryAdmin(OwnerAdminMixin, admin.ModelAdmin):
    """Who exported, imported or erased what, and when. Owner only; nobody edits it."""

    list_display = ["at", "action", "subject", "actor_display", "detail_display"]
    list_filter = ["action"]
    search_fields = ["subject", "actor_email"]
    list_select_related = ["actor"]
    ordering = ["-at", "-pk"]
    list_per_page = 50
    date_hierarchy = "at"
    fields = ["at", "action", "subject", "client_id_ref", "actor_display", "detail_display"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("by"), ordering="actor_email")
    def actor_display(self, entry):
        if entry.actor_id and entry.actor is not None:
            name = f"{entry.actor.first_name} {entry.actor.last_name}".strip()
            return f"{name} ({entry.actor.email})" if name else entry.actor.email
        return entry.actor_email or "—"

    @admin.display(description=gettext_lazy("details"))
    def detail_display(self, entry):
        detail = entry.detail or {}
        if entry.action == AuditEntry.Action.ERASE:
            removed = detail.get("removed", {})
            parts = [f"{key.replace('_', ' ')}: {value}" for key, value in removed.items()]
            return "; ".join(parts)
        if entry.action == AuditEntry.Action.IMPORT and detail.get("rejected"):
            first = (detail.get("errors") or [{}])[0]
            return _("Nothing written: %(message)s (row %(row)s)") % {
                "message": first.get("message", "?"),
                "row": first.get("row") or "—",
            }
        if entry.action == AuditEntry.Action.IMPORT:
            return _("%(created)s added, %(skipped)s skipped (already here), from %(file)s") % {
                "created": detail.get("created", 0),
                "skipped": detail.get("skipped", 0),
                "file": detail.get("filename") or _("a CSV file"),
            }
        if entry.action == AuditEntry.Action.EXPORT:
            who = _("by the client") if detail.get("by_client") else _("by staff")
            return _("%(who)s: %(photos)s photos, %(files)s files") % {
                "who": who,
                "photos": detail.get("photos", 0),
                "files": detail.get("files", 0),
            }
        filters = detail.get("filters") or {}
        return "; ".join(f"{key}: {value}" for key, value in filters.items()) or "—"


register_in_backoffice(AuditEntry, AuditEntryAdmin)

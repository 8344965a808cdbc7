"""Back office: the audit trail (owner only, read-only), and the pages of import,
data export and erasure, which hang off it:

    /admin/clients/auditentry/                         the audit trail
    /admin/clients/auditentry/import/                  upload a CSV (owner, coaches)
    /admin/clients/auditentry/import/preview/          preview, then apply
    /admin/clients/auditentry/import/template.csv      the template
    /admin/clients/auditentry/client/<id>/export/      POST: a client's data (zip)
    /admin/clients/auditentry/client/<id>/erase/       erase a client (owner)

``export_selected_as_csv`` is an action for the client list (ClientAdmin.actions).
"""

import uuid

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.policies import OwnerAdminMixin, is_owner
from mectofitness.core.admin_registry import register_in_backoffice
from mectofitness.core.tasks import enqueue_on_commit
from mectofitness.core.uploads import body_limit, file_route_limit

from ..forms_transfer import EraseConfirmForm, ImportApplyForm, ImportUploadForm
from ..models import (
    Assignment,
    AuditEntry,
    Client,
    ClientNote,
    ClientStatusChange,
    Measurement,
    ProgressPhoto,
    Response,
    ResponseFile,
)
from ..selectors import client_queryset_for
from ..services.csv_format import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, import_template_csv
from ..services.erasure import client_erase, client_erased_entry
from ..services.exporting import client_export_check
from ..services.importing import (
    IMPORT_INLINE_MAX,
    ImportRejected,
    clients_import_apply,
    clients_import_plan,
    import_upload_discard,
    import_upload_read,
    import_upload_store,
)
from ..tasks.transfer import clients_import_apply_task
from ..views.transfer import client_zip_response, csv_export_response

SESSION_KEY = "clients_import"
ERRORS_SHOWN = 500


def client_page_url(client_id: int | None = None) -> str:
    """The client's page in the back office (the client list without an id)."""
    try:
        if client_id is None:
            return reverse("backoffice:clients_client_changelist")
        return reverse("backoffice:clients_client_change", args=[client_id])
    except NoReverseMatch:  # the client admin is not registered
        return reverse("backoffice:index")


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

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="clients_transfer_import"),
            path(
                "import/preview/",
                view(self.import_preview_view),
                name="clients_transfer_import_preview",
            ),
            path(
                "import/cancel/",
                view(require_POST(self.import_cancel_view)),
                name="clients_transfer_import_cancel",
            ),
            path(
                "import/template.csv",
                view(self.import_template_view),
                name="clients_transfer_import_template",
            ),
            path(
                "client/<int:client_id>/export/",
                view(require_POST(self.client_export_view)),
                name="clients_transfer_export",
            ),
            path(
                "client/<int:client_id>/erase/",
                view(self.client_erase_view),
                name="clients_transfer_erase",
            ),
            *super().get_urls(),
        ]

    # --- import ---------------------------------------------------------------------

    def _context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "clients_url": client_page_url(),
            **extra,
        }

    def _check_import(self, request):
        if not request.user.has_perm("clients.add_client"):
            raise PermissionDenied

    @body_limit(file_route_limit(MAX_IMPORT_BYTES))
    def import_view(self, request):
        """Choose a CSV file; it is kept privately and previewed before anything is written."""
        self._check_import(request)
        is_post = request.method == "POST"
        form = ImportUploadForm(request.POST, request.FILES) if is_post else ImportUploadForm()
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            try:
                name = import_upload_store(content=content)
            except ValidationError as exc:
                form.add_error("file", exc.message_dict.get("file", exc.messages))
            else:
                self._discard(request)
                request.session[SESSION_KEY] = {
                    "name": name,
                    "filename": upload.name[:200],
                    "token": uuid.uuid4().hex,
                }
                return redirect("backoffice:clients_transfer_import_preview")
        context = self._context(
            request,
            _("Import clients"),
            form=form,
            is_owner=is_owner(request.user),
            max_rows=f"{MAX_IMPORT_ROWS:,}",
        )
        status = 400 if form.errors else 200
        return render(request, "clients/backoffice/import_upload.html", context, status=status)

    def import_preview_view(self, request):
        """GET: the rows as they will be imported and every error. POST: apply."""
        self._check_import(request)
        stored = request.session.get(SESSION_KEY)
        if not stored:
            messages.info(request, _("Choose a CSV file to import."))
            return redirect("backoffice:clients_transfer_import")
        try:
            data = import_upload_read(name=stored["name"])
        except ValidationError as exc:
            request.session.pop(SESSION_KEY, None)
            messages.error(request, " ".join(exc.messages))
            return redirect("backoffice:clients_transfer_import")

        rejected, status = False, 200
        if request.method == "POST":
            form = ImportApplyForm(request.POST)
            if not form.is_valid() or form.cleaned_data["token"] != stored["token"]:
                messages.error(
                    request,
                    _("This preview was replaced by another file. Check the preview below."),
                )
                return redirect("backoffice:clients_transfer_import_preview")
            try:
                if self._import_later(request, data, stored):
                    return redirect(client_page_url())
                entry = clients_import_apply(
                    data=data, by=request.user, filename=stored["filename"]
                )
            except ImportRejected as exc:
                plan, rejected, status = exc.plan, True, 400
            except ValidationError as exc:
                return self._file_error(request, exc)
            else:
                self._discard(request)
                created, skipped = entry.detail["created"], entry.detail["skipped"]
                message = _("Imported %(created)s clients.") % {"created": created}
                if skipped:
                    message += " " + _(
                        "%(skipped)s were already here and were left as they were."
                    ) % {"skipped": skipped}
                messages.success(request, message)
                return redirect(client_page_url())
        else:
            try:
                plan = clients_import_plan(data=data, by=request.user)
            except ValidationError as exc:
                return self._file_error(request, exc)
        context = self._context(
            request,
            _("Check the import"),
            plan=plan,
            errors=plan.errors[:ERRORS_SHOWN],
            errors_hidden=max(0, len(plan.errors) - ERRORS_SHOWN),
            filename=stored["filename"],
            token=stored["token"],
            rejected=rejected,
            is_owner=is_owner(request.user),
            delimiter={",": _("commas"), ";": _("semicolons"), "\t": _("tabs")}[plan.delimiter],
        )
        return render(request, "clients/backoffice/import_preview.html", context, status=status)

    def _import_later(self, request, data: bytes, stored: dict) -> bool:
        """Hand a big import to the worker; False when it is small enough to do now.
        Raises ImportRejected (nothing queued) when the file has errors."""
        plan = clients_import_plan(data=data, by=request.user)
        if plan.errors:
            raise ImportRejected(plan)
        count = len(plan.to_create)
        if count <= IMPORT_INLINE_MAX:
            return False
        enqueue_on_commit(
            clients_import_apply_task,
            name=stored["name"],
            user_id=request.user.pk,
            filename=stored["filename"],
        )
        request.session.pop(SESSION_KEY, None)  # the worker deletes the file
        messages.success(
            request,
            _(
                "Importing %(count)s clients in the background: they appear in the list "
                "within a few minutes."
            )
            % {"count": f"{count:,}"},
        )
        return True

    def _file_error(self, request, exc):
        self._discard(request)
        form = ImportUploadForm()
        form.is_bound = False
        context = self._context(
            request,
            _("Import clients"),
            form=form,
            file_errors=exc.message_dict.get("file", exc.messages)
            if hasattr(exc, "error_dict")
            else exc.messages,
            is_owner=is_owner(request.user),
            max_rows=f"{MAX_IMPORT_ROWS:,}",
        )
        return render(request, "clients/backoffice/import_upload.html", context, status=400)

    def import_cancel_view(self, request):
        self._check_import(request)
        self._discard(request)
        messages.info(request, _("Import cancelled. Nothing was imported."))
        return redirect("backoffice:clients_transfer_import")

    def _discard(self, request):
        stored = request.session.pop(SESSION_KEY, None)
        if stored:
            import_upload_discard(name=stored["name"])

    def import_template_view(self, request):
        self._check_import(request)
        response = HttpResponse(import_template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="clients-template.csv"'
        return response

    # --- one client ------------------------------------------------------------------

    def client_export_view(self, request, client_id: int):
        """A zip of one client's data: the owner, or a coach allowed to export."""
        client = get_object_or_404(client_queryset_for(user=request.user), pk=client_id)
        client_export_check(user=request.user, client=client)
        return client_zip_response(
            client=client, by=request.user, business_name=getattr(request.tenant, "name", "")
        )

    def client_erase_view(self, request, client_id: int):
        """Erase a client's data on their request, after the owner types their name."""
        if not is_owner(request.user):
            raise PermissionDenied
        client = get_object_or_404(Client, pk=client_id)
        erased = client_erased_entry(client=client)
        form = EraseConfirmForm(request.POST) if request.method == "POST" else EraseConfirmForm()
        if request.method == "POST" and erased is None and form.is_valid():
            try:
                client_erase(
                    client=client,
                    by=request.user,
                    confirm_name=form.cleaned_data["confirm_name"],
                )
            except ValidationError as exc:
                form.add_error("confirm_name", exc.message_dict.get("confirm_name", exc.messages))
            else:
                messages.success(
                    request,
                    _("Client #%(id)s was erased. The audit trail records that you did it.")
                    % {"id": client.pk},
                )
                return redirect(client_page_url(client.pk))
        counts = {
            _("measurements"): Measurement.objects.filter(client=client).count(),
            _("progress photos"): ProgressPhoto.objects.filter(client=client).count(),
            _("form and check-in answers"): Response.objects.filter(client=client).count(),
            _("uploaded files"): ResponseFile.objects.filter(response__client=client).count(),
            _("notes"): ClientNote.objects.filter(client=client).count(),
            _("status changes"): ClientStatusChange.objects.filter(client=client).count(),
            _("assigned forms"): Assignment.objects.filter(client=client).count(),
        }
        context = self._context(
            request,
            _("Erase %(name)s") % {"name": client.full_name} if erased is None else _("Erased"),
            client=client,
            form=form,
            counts=counts,
            erased=erased,
            client_url=client_page_url(client.pk),
            export_url=reverse("backoffice:clients_transfer_export", args=[client.pk]),
        )
        status = 400 if form.errors else 200
        return render(request, "clients/backoffice/erase_confirm.html", context, status=status)


register_in_backoffice(AuditEntry, AuditEntryAdmin)

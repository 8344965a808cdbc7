"""Back office: clients in and out, the pages that hang off the audit trail.

/admin/clients/auditentry/import/                  upload a CSV (owner, coaches)
/admin/clients/auditentry/import/preview/          preview, then apply
/admin/clients/auditentry/import/cancel/           POST: drop the previewed file
/admin/clients/auditentry/import/template.csv      the template
/admin/clients/auditentry/client/<id>/export/      POST: a client's data (zip)
/admin/clients/auditentry/client/<id>/erase/       erase a client (owner)
"""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.policies import is_owner, staff_may
from clients.downloads import client_zip_response
from clients.forms_transfer import EraseConfirmForm, ImportApplyForm, ImportUploadForm
from clients.models import Client
from clients.selectors import client_data_counts, client_queryset_for
from clients.services.csv_format import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, import_template_csv
from clients.services.erasure import client_erase, client_erased_entry
from clients.services.exporting import client_export_check
from clients.services.importing import (
    ImportRejected,
    clients_import_apply,
    clients_import_plan,
    import_goes_to_worker,
    import_upload_discard,
    import_upload_read,
    import_upload_store,
)
from clients.tasks.transfer import clients_import_apply_task
from mectofitness.core.tasks import enqueue_on_commit
from mectofitness.core.uploads import body_limit, file_route_limit

from ..chrome import render_page
from .client_profile import profile_url

SESSION_KEY = "clients_import"
ERRORS_SHOWN = 500
DELIMITERS = {
    ",": gettext_lazy("commas"),
    ";": gettext_lazy("semicolons"),
    "\t": gettext_lazy("tabs"),
}
# what erasing removes, as the page names it (keys of client_data_counts)
COUNT_LABELS = {
    "measurements": gettext_lazy("measurements"),
    "photos": gettext_lazy("progress photos"),
    "responses": gettext_lazy("form and check-in answers"),
    "files": gettext_lazy("uploaded files"),
    "notes": gettext_lazy("notes"),
    "status_changes": gettext_lazy("status changes"),
    "assignments": gettext_lazy("assigned forms"),
}


def urls(site):
    view = site.admin_view
    base = "clients/auditentry/"
    return [
        path(f"{base}import/", view(import_view), name="clients_transfer_import"),
        path(
            f"{base}import/preview/",
            view(import_preview_view),
            name="clients_transfer_import_preview",
        ),
        path(
            f"{base}import/cancel/",
            view(require_POST(import_cancel_view)),
            name="clients_transfer_import_cancel",
        ),
        path(
            f"{base}import/template.csv",
            view(import_template_view),
            name="clients_transfer_import_template",
        ),
        path(
            f"{base}client/<int:client_id>/export/",
            view(require_POST(client_export_view)),
            name="clients_transfer_export",
        ),
        path(
            f"{base}client/<int:client_id>/erase/",
            view(client_erase_view),
            name="clients_transfer_erase",
        ),
    ]


def client_page_url(client_id: int | None = None) -> str:
    """The client's profile in the back office (the client list without an id)."""
    try:
        if client_id is None:
            return reverse("backoffice:clients_client_changelist")
        return profile_url(client_id)
    except NoReverseMatch:  # the client admin is not registered
        return reverse("backoffice:index")


def _check_import(request) -> None:
    if not staff_may(request.user, "clients.add_client"):
        raise PermissionDenied


def _discard(request) -> None:
    stored = request.session.pop(SESSION_KEY, None)
    if stored:
        import_upload_discard(name=stored["name"])


def _upload_page(request, form, *, status: int = 200, file_errors=None):
    context = {
        "title": _("Import clients"),
        "clients_url": client_page_url(),
        "form": form,
        "file_errors": file_errors,
        "is_owner": is_owner(request.user),
        "max_rows": f"{MAX_IMPORT_ROWS:,}",
    }
    return render_page(request, "clients/backoffice/import_upload.html", context, status=status)


# --- import -------------------------------------------------------------------------


@body_limit(file_route_limit(MAX_IMPORT_BYTES))
def import_view(request):
    """Choose a CSV file; it is kept privately and previewed before anything is written."""
    _check_import(request)
    is_post = request.method == "POST"
    form = ImportUploadForm(request.POST, request.FILES) if is_post else ImportUploadForm()
    if is_post and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            name = import_upload_store(content=upload.read())
        except ValidationError as exc:
            form.add_error("file", exc.message_dict.get("file", exc.messages))
        else:
            _discard(request)
            request.session[SESSION_KEY] = {
                "name": name,
                "filename": upload.name[:200],
                "token": uuid.uuid4().hex,
            }
            return redirect("backoffice:clients_transfer_import_preview")
    return _upload_page(request, form, status=400 if form.errors else 200)


def import_preview_view(request):
    """GET: the rows as they will be imported and every error. POST: apply."""
    _check_import(request)
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
                request, _("This preview was replaced by another file. Check the preview below.")
            )
            return redirect("backoffice:clients_transfer_import_preview")
        try:
            if _import_later(request, data, stored):
                return redirect(client_page_url())
            entry = clients_import_apply(data=data, by=request.user, filename=stored["filename"])
        except ImportRejected as exc:
            plan, rejected, status = exc.plan, True, 400
        except ValidationError as exc:
            return _file_error(request, exc)
        else:
            _discard(request)
            created, skipped = entry.detail["created"], entry.detail["skipped"]
            message = _("Imported %(created)s clients.") % {"created": created}
            if skipped:
                message += " " + _("%(skipped)s were already here and were left as they were.") % {
                    "skipped": skipped
                }
            messages.success(request, message)
            return redirect(client_page_url())
    else:
        try:
            plan = clients_import_plan(data=data, by=request.user)
        except ValidationError as exc:
            return _file_error(request, exc)
    context = {
        "title": _("Check the import"),
        "clients_url": client_page_url(),
        "plan": plan,
        "errors": plan.errors[:ERRORS_SHOWN],
        "errors_hidden": max(0, len(plan.errors) - ERRORS_SHOWN),
        "filename": stored["filename"],
        "token": stored["token"],
        "rejected": rejected,
        "is_owner": is_owner(request.user),
        "delimiter": DELIMITERS[plan.delimiter],
    }
    return render_page(request, "clients/backoffice/import_preview.html", context, status=status)


def _import_later(request, data: bytes, stored: dict) -> bool:
    """Hand a big import to the worker; False when it is small enough to do now.
    Raises ImportRejected (nothing queued) when the file has errors."""
    plan = clients_import_plan(data=data, by=request.user)
    if plan.errors:
        raise ImportRejected(plan)
    if not import_goes_to_worker(plan=plan):
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
        % {"count": f"{len(plan.to_create):,}"},
    )
    return True


def _file_error(request, exc: ValidationError):
    _discard(request)
    form = ImportUploadForm()
    form.is_bound = False
    errors = (
        exc.message_dict.get("file", exc.messages) if hasattr(exc, "error_dict") else exc.messages
    )
    return _upload_page(request, form, status=400, file_errors=errors)


def import_cancel_view(request):
    _check_import(request)
    _discard(request)
    messages.info(request, _("Import cancelled. Nothing was imported."))
    return redirect("backoffice:clients_transfer_import")


def import_template_view(request):
    _check_import(request)
    response = HttpResponse(import_template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="clients-template.csv"'
    return response


# --- one client -------------------------------------------------------------------------


def client_export_view(request, client_id: int):
    """A zip of one client's data: the owner, or a coach allowed to export."""
    client = get_object_or_404(client_queryset_for(user=request.user), pk=client_id)
    client_export_check(user=request.user, client=client)
    return client_zip_response(
        client=client, by=request.user, business_name=getattr(request.tenant, "name", "")
    )


def client_erase_view(request, client_id: int):
    """Erase a client's data on their request, after the owner types their name."""
    if not is_owner(request.user):
        raise PermissionDenied
    client = get_object_or_404(Client, pk=client_id)
    erased = client_erased_entry(client=client)
    form = EraseConfirmForm(request.POST) if request.method == "POST" else EraseConfirmForm()
    if request.method == "POST" and erased is None and form.is_valid():
        try:
            client_erase(
                client=client, by=request.user, confirm_name=form.cleaned_data["confirm_name"]
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
    counts = {str(COUNT_LABELS[key]): n for key, n in client_data_counts(client=client).items()}
    context = {
        "title": _("Erase %(name)s") % {"name": client.full_name}
        if erased is None
        else _("Erased"),
        "clients_url": client_page_url(),
        "client": client,
        "form": form,
        "counts": counts,
        "erased": erased,
        "client_url": client_page_url(client.pk),
        "export_url": reverse("backoffice:clients_transfer_export", args=[client.pk]),
    }
    status = 400 if form.errors else 200
    return render_page(request, "clients/backoffice/erase_confirm.html", context, status=status)

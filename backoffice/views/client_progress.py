"""Back office: a client's progress (charts, latest photos, the quick form), and the
client panel's "log a measurement" form.

    /admin/clients/measurement/client/<id>/     the client's progress
    /admin/clients/measurement/record/<id>/     POST: log a value, back to where it came from
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from accounts.policies import staff_may
from clients import units as u
from clients.forms_progress import MeasurementForm
from clients.selectors import client_queryset_for
from clients.services.measurements import client_today, measurement_record

from ..chrome import render_page


def urls(site):
    view = site.admin_view
    base = "clients/measurement/"
    return [
        path(
            f"{base}client/<int:client_id>/",
            view(client_progress_view),
            name="clients_measurement_client",
        ),
        path(
            f"{base}record/<int:client_id>/", view(record_view), name="clients_measurement_record"
        ),
    ]


def _may(request, action: str) -> bool:
    return staff_may(request.user, f"clients.{action}_measurement")


def _client(request, client_id: int):
    request.current_app = "backoffice"
    if not (_may(request, "view") or _may(request, "change")):
        raise PermissionDenied
    return get_object_or_404(client_queryset_for(user=request.user), pk=client_id)


def client_progress_view(request, client_id: int, form=None):
    """A client's charts, latest photos and the quick form, full width."""
    client = _client(request, client_id)
    context = {
        "title": _("Progress of %(name)s") % {"name": client.full_name},
        "client": client,
        "bound_form": form,
    }
    status = 400 if form is not None and form.errors else 200
    return render_page(request, "clients/backoffice/progress_client.html", context, status=status)


def record_view(request, client_id: int):
    """The panel's "log a measurement" form posts here; back to where it came from."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    client = _client(request, client_id)
    if not _may(request, "add"):
        raise PermissionDenied
    system = u.units_for(viewer=request.user, business=getattr(request, "tenant", None))
    today = client_today(client=client, business=request.tenant)
    form = MeasurementForm(request.POST, units=system, today=today)
    if form.is_valid():
        data = form.cleaned_data
        try:
            recorded = measurement_record(
                client=client,
                metric=data["metric"],
                value=form.value_si,
                measured_on=data["measured_on"],
                note=data.get("note", ""),
                by=request.user,
                units=system,
                today=today,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            shown = u.format_value(
                recorded.measurement.value,
                kind=data["metric"].kind,
                system=system,
                unit=data["metric"].unit,
            )
            text = (
                _("Saved %(metric)s: %(value)s.")
                if recorded.created
                else _("Updated %(metric)s of that day: now %(value)s.")
            )
            messages.success(request, text % {"metric": data["metric"].name, "value": shown})
            target = request.POST.get("next", "")
            if not url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                target = reverse("backoffice:clients_measurement_client", args=[client.pk])
            return redirect(target)
    return client_progress_view(request, client_id, form=form)

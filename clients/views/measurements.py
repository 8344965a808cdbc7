"""Portal pages: the client's progress (charts, logging a measurement)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.policies import portal_client_required

from .. import units as u
from ..forms_progress import MeasurementForm
from ..models import Measurement, ProgressPhoto
from ..selectors_progress import progress_range, progress_range_choices, progress_series
from ..services.measurements import (
    client_today,
    measurement_delete,
    measurement_record,
)

portal_client = portal_client_required(section=gettext_lazy("Your measurements and photos"))


@portal_client
@require_http_methods(["GET", "POST"])
def progress(request):
    """Charts of every measurement over a range of history (``?range=``: six months
    unless another is chosen), the "Log a measurement" form, latest photos."""
    client = request.client
    system = u.units_for(client=client, viewer=request.user, business=request.tenant)
    today = client_today(client=client, business=request.tenant)
    form = MeasurementForm(request.POST or None, units=system, today=today)
    if request.method == "POST" and form.is_valid():
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
            if recorded.created:
                messages.success(
                    request,
                    _("Saved: %(metric)s %(value)s.")
                    % {"metric": data["metric"].name, "value": shown},
                )
            else:
                messages.success(
                    request,
                    _(
                        "Updated: you had already logged %(metric)s that day, "
                        "so it is now %(value)s."
                    )
                    % {"metric": data["metric"].name, "value": shown},
                )
            return redirect(f"{request.path}#p-metric-{data['metric'].key}")
    shown = progress_range(key=request.GET.get("range"), today=today)
    series = progress_series(client=client, system=system, since=shown.since, weekly=shown.weekly)
    photos = list(ProgressPhoto.objects.filter(client=client).order_by("-taken_on", "-pk")[:6])
    context = {
        "client": client,
        "form": form,
        "series": series,
        "range": shown,
        "ranges": progress_range_choices(current=shown),
        # each value's delete form: the route's address before the id, reversed once
        "delete_prefix": reverse("portal_measurement_delete", args=[0]).removesuffix("0/delete/"),
        "units": system,
        "photos": photos,
        "metric_units": (metric_units := form.metric_units()),
        "current_unit": metric_units.get(str(form["metric"].value() or ""), ""),
        "photo_count": len(photos),
    }
    status = 400 if form.errors else 200
    return render(request, "clients/portal/progress.html", context, status=status)


@portal_client
@require_POST
def measurement_remove(request, pk: int):
    """A client deletes one of their own values (a typo)."""
    client = request.client
    measurement = get_object_or_404(
        Measurement.objects.select_related("metric"), pk=pk, client=client
    )
    measurement_delete(measurement=measurement, by=request.user)
    messages.success(
        request,
        _("Deleted %(metric)s of %(date)s.")
        % {
            "metric": measurement.metric.name,
            "date": measurement.measured_on.strftime("%-d %b %Y"),
        },
    )
    return redirect("/progress/#history")


urlpatterns = [
    path("progress/", progress, name="portal_progress"),
    path(
        "progress/measurements/<int:pk>/delete/",
        measurement_remove,
        name="portal_measurement_delete",
    ),
]

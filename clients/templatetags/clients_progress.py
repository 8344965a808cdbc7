"""Template tags for measurements and progress photos: what the portal home panel and
the back-office client panel show. Each tag runs a fixed, small number of queries."""

import json

from django import template
from django.urls import reverse

from .. import units as u
from ..forms_progress import MeasurementForm
from ..models import Metric, ProgressPhoto
from ..selectors_progress import progress_range, progress_range_choices, progress_series
from ..services.measurements import client_today

register = template.Library()

SPARK_W, SPARK_H, SPARK_PAD = 120, 36, 3
SPARK_VALUES = 12  # the values a trend line draws


@register.filter
def spark_points(points) -> str:
    """SVG polyline points for a tiny trend line of ``[{"d": iso, "v": number}]``."""
    values = [p["v"] for p in points or []][-SPARK_VALUES:]
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1
    step = (SPARK_W - 2 * SPARK_PAD) / (len(values) - 1)
    coords = []
    for i, value in enumerate(values):
        x = SPARK_PAD + i * step
        y = SPARK_H - SPARK_PAD - (value - low) / span * (SPARK_H - 2 * SPARK_PAD)
        if high == low:
            y = SPARK_H / 2
        coords.append(f"{x:.1f},{y:.1f}")
    return " ".join(coords)


@register.filter
def change_class(change) -> str:
    """CSS modifier for a change: good (green), bad (red) or neutral."""
    if not change:
        return "neutral"
    if change.get("good") is True:
        return "good"
    if change.get("good") is False:
        return "bad"
    return "neutral"


@register.simple_tag
def home_progress(client, request):
    """Latest body weight and a tiny trend (its last twelve values) for the portal home
    (two queries)."""
    system = u.units_for(client=client, viewer=request.user, business=request.tenant)
    series = progress_series(client=client, system=system, recent=SPARK_VALUES)
    weight = next((s for s in series if s["key"] == "weight"), None)
    return {
        "weight": weight,
        "other": series[0] if weight is None and series else None,
        "photo_count": ProgressPhoto.objects.filter(client=client).count(),
    }


@register.simple_tag
def progress_panel(client, request):
    """Everything the back-office client panel shows, in the viewer's units: charts of each
    metric over the range the page asks for (``?range=``, six months unless another is
    chosen), the latest photos, the quick "log a measurement" form (five queries, six
    for a range drawn by week)."""
    system = u.units_for(client=client, viewer=request.user, business=request.tenant)
    today = client_today(client=client, business=request.tenant)
    shown = progress_range(key=request.GET.get("range"), today=today)
    metrics = list(Metric.objects.filter(archived_at__isnull=True).order_by("position", "name"))
    form = MeasurementForm(
        units=system, today=today, metrics=Metric.objects.filter(archived_at__isnull=True)
    )
    photos = list(ProgressPhoto.objects.filter(client=client).order_by("-taken_on", "-pk")[:4])
    return {
        "units": system,
        "series": progress_series(
            client=client, system=system, since=shown.since, weekly=shown.weekly
        ),
        "range": shown,
        "ranges": progress_range_choices(current=shown),
        "photos": photos,
        "form": form,
        "metric_units": {
            str(m.pk): u.display_unit(kind=m.kind, system=system, unit=m.unit).symbol
            for m in metrics
        },
        "record_url": reverse("backoffice:clients_measurement_record", args=[client.pk]),
        "photos_url": reverse("backoffice:clients_progressphoto_client", args=[client.pk]),
        "compare_url": reverse("backoffice:clients_progressphoto_compare", args=[client.pk]),
        "history_url": reverse("backoffice:clients_measurement_changelist")
        + f"?client__id__exact={client.pk}",
        "page_url": reverse("backoffice:clients_measurement_client", args=[client.pk]),
    }


@register.filter
def points_json(points) -> str:
    """Chart points as JSON for a data- attribute (autoescaping makes it attribute-safe)."""
    return json.dumps(points or [], separators=(",", ":"))

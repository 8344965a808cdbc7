"""Reads of a client's progress: the chart series of each metric, in the viewer's units,
and the metrics a person can log now."""

from decimal import Decimal

from . import units as u
from .models import Client, Measurement, Metric


def _change(*, now: Decimal, then: Decimal, metric: Metric, system: str) -> dict:
    shown_now = u.to_display(now, kind=metric.kind, system=system)
    shown_then = u.to_display(then, kind=metric.kind, system=system)
    delta = shown_now - shown_then
    du = u.display_unit(kind=metric.kind, system=system, unit=metric.unit)
    sign = "+" if delta > 0 else ("\u2212" if delta < 0 else "\u00b1")
    text = f"{sign}{u.number_text(abs(delta))}"
    if du.symbol:
        text += f"\u00a0{du.symbol}"
    direction = "up" if delta > 0 else ("down" if delta < 0 else "flat")
    good = None
    if metric.higher_is_better is not None and delta != 0:
        good = (delta > 0) == metric.higher_is_better
    return {"text": text, "direction": direction, "good": good, "delta": float(delta)}


def progress_series(*, client: Client, system: str, metrics_limit: int | None = None) -> list:
    """Each metric the client has values for, oldest value first, in ``system``'s units:
    points for the chart, the latest value, change since the first and the previous
    value, and rows for the accessible table. One query."""
    rows = (
        Measurement.objects.filter(client=client)
        .select_related("metric")
        .order_by("metric__position", "metric__name", "metric_id", "measured_on")
    )
    series: dict[int, dict] = {}
    for m in rows:
        metric = m.metric
        entry = series.get(metric.pk)
        if entry is None:
            du = u.display_unit(kind=metric.kind, system=system, unit=metric.unit)
            entry = series[metric.pk] = {
                "metric": metric,
                "key": metric.key,
                "name": metric.name,
                "unit": du.symbol,
                "places": du.places,
                "higher_is_better": metric.higher_is_better,
                "values": [],
            }
        entry["values"].append(m)
    result = []
    for entry in series.values():
        metric, values = entry.pop("metric"), entry.pop("values")
        first, latest = values[0], values[-1]
        entry["points"] = [
            {
                "d": m.measured_on.isoformat(),
                "v": float(u.to_display(m.value, kind=metric.kind, system=system)),
            }
            for m in values
        ]
        entry["rows"] = [
            {
                "id": m.pk,
                "date": m.measured_on,
                "text": u.format_value(m.value, kind=metric.kind, system=system, unit=metric.unit),
            }
            for m in reversed(values)
        ]
        entry["latest"] = u.format_value(
            latest.value, kind=metric.kind, system=system, unit=metric.unit
        )
        entry["latest_date"] = latest.measured_on
        entry["first_date"] = first.measured_on
        entry["count"] = len(values)
        entry["since_first"] = (
            _change(now=latest.value, then=first.value, metric=metric, system=system)
            if len(values) > 1
            else None
        )
        entry["since_last"] = (
            _change(now=latest.value, then=values[-2].value, metric=metric, system=system)
            if len(values) > 1
            else None
        )
        result.append(entry)
    return result[:metrics_limit] if metrics_limit else result


def metric_choices_for_logging() -> list[Metric]:
    """Metrics a person can log now (not archived), in their display order."""
    return list(Metric.objects.filter(archived_at__isnull=True).order_by("position", "name"))

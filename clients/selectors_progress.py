"""Reads of a client's progress: the chart series of each metric, in the viewer's units,
over a range of history (``progress_range``), and the metrics a person can log now."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, F, Min, Q, Window
from django.db.models.functions import RowNumber, TruncWeek
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext_lazy

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


@dataclass(frozen=True)
class ProgressRange:
    """A span of history a progress page shows: its key (``?range=``), its label, the
    first day it shows (None: all) and whether a chart of it draws one point per week
    (the week's mean) rather than every value."""

    key: str
    label: str
    since: datetime.date | None
    weekly: bool


# (key, label, days back, one point per week); a chart of more than half a year of daily
# weigh-ins draws weeks, as the apps people know do
RANGES = (
    ("3m", gettext_lazy("3 months"), 91, False),
    ("6m", gettext_lazy("6 months"), 182, False),
    ("1y", gettext_lazy("1 year"), 365, True),
    ("all", gettext_lazy("All"), None, True),
)
DEFAULT_RANGE = "6m"


def progress_range(*, key: str | None, today: datetime.date) -> ProgressRange:
    """The range ``key`` names (an unknown or missing key: the default, six months)."""
    found = next((r for r in RANGES if r[0] == key), None) or next(
        r for r in RANGES if r[0] == DEFAULT_RANGE
    )
    key, label, days, weekly = found
    since = today - datetime.timedelta(days=days - 1) if days else None
    return ProgressRange(key=key, label=str(label), since=since, weekly=weekly)


def progress_range_choices(*, current: ProgressRange) -> list[dict]:
    """The ranges a page offers, for ``components/_range_picker.html``: key, label and
    whether it is the one shown."""
    return [
        {"key": key, "label": label, "current": key == current.key}
        for key, label, _days, _weekly in RANGES
    ]


def _day_texts() -> dict[int, str]:
    """Month abbreviations as the ``date`` filter's "M" writes them, looked up once."""
    return {month: str(name).title() for month, name in MONTHS_3.items()}


def _day_text(day: datetime.date, months: dict[int, str]) -> str:
    """ "3 Mar 2026", as ``|date:"j M Y"`` (cheaper, for tables of many rows)."""
    return f"{day.day} {months[day.month]} {day.year}"


def progress_series(
    *,
    client: Client,
    system: str,
    since: datetime.date | None = None,
    weekly: bool = False,
    recent: int | None = None,
    metrics_limit: int | None = None,
) -> list:
    """Each metric the client has values for, in ``system``'s units: points for the
    chart (oldest first) and rows for the accessible table (newest first), the latest
    value, change since the first value ever and since the previous one.

    The chart and table hold the values from ``since`` on (None: all of them), one per
    week (the week's mean, with how many values it has) when ``weekly``, or only the
    latest ``recent`` values (the home's trend). Whatever the history, the rows read
    are bounded by what is shown: one query (two when ``weekly``)."""
    by_metric = [F("metric_id")]
    rows = Measurement.objects.filter(client=client).select_related("metric")
    if not (since is None and not weekly and recent is None):
        # the first value ever and the two latest (the changes), and what is shown
        rows = rows.annotate(
            total=Window(Count("pk"), partition_by=by_metric),
            oldest=Window(RowNumber(), partition_by=by_metric, order_by=F("measured_on").asc()),
            newest=Window(RowNumber(), partition_by=by_metric, order_by=F("measured_on").desc()),
        )
        keep = Q(oldest=1) | Q(newest__lte=max(2, recent or 0))
        if since is not None and not weekly:
            rows = rows.annotate(
                shown=Window(Count("pk", filter=Q(measured_on__gte=since)), partition_by=by_metric)
            )
            keep |= Q(newest__lte=F("shown"))
        rows = rows.filter(keep)
    rows = rows.order_by("metric__position", "metric__name", "metric_id", "measured_on")
    weeks: dict[int, list] = defaultdict(list)
    if weekly:
        per_week = Measurement.objects.filter(client=client)
        if since is not None:
            per_week = per_week.filter(measured_on__gte=since)
        for metric_id, week, mean, count, only in (
            per_week.annotate(week=TruncWeek("measured_on"))
            .order_by()
            .values("metric_id", "week")
            .annotate(mean=Avg("value"), n=Count("pk"), only=Min("pk"))
            .values_list("metric_id", "week", "mean", "n", "only")
            .order_by("metric_id", "week")
        ):
            weeks[metric_id].append((week, mean, count, only))
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
                "total": getattr(m, "total", None),
            }
        entry["values"].append(m)
    months = _day_texts()
    result = []
    for entry in series.values():
        metric, values, total = entry.pop("metric"), entry.pop("values"), entry.pop("total")
        first, latest = values[0], values[-1]
        count = len(values) if total is None else total
        kind, unit = metric.kind, metric.unit

        def shown(value, kind=kind):
            return u.to_display(value, kind=kind, system=system)

        def text(value, kind=kind, unit=unit):
            return u.format_value(value, kind=kind, system=system, unit=unit)

        if weekly:
            drawn = weeks.get(metric.pk, [])
            entry["points"] = [
                {"d": week.isoformat(), "v": float(shown(mean))} for week, mean, _n, _id in drawn
            ]
            entry["rows"] = [
                {
                    "id": only if n == 1 else None,
                    "date": week,
                    "date_text": _day_text(week, months),
                    "text": text(mean),
                    "values": n,
                }
                for week, mean, n, only in reversed(drawn)
            ]
        else:
            drawn = values
            if since is not None:
                drawn = [m for m in values if m.measured_on >= since]
            elif recent is not None:
                drawn = values[-recent:]
            entry["points"] = [
                {"d": m.measured_on.isoformat(), "v": float(shown(m.value))} for m in drawn
            ]
            entry["rows"] = [
                {
                    "id": m.pk,
                    "date": m.measured_on,
                    "date_text": _day_text(m.measured_on, months),
                    "text": text(m.value),
                    "values": 1,
                }
                for m in reversed(drawn)
            ]
        entry["weekly"] = weekly
        entry["shown_count"] = sum(row["values"] for row in entry["rows"])
        entry["latest"] = text(latest.value)
        entry["latest_date"] = latest.measured_on
        entry["first_date"] = first.measured_on
        entry["count"] = count
        entry["since_first"] = (
            _change(now=latest.value, then=first.value, metric=metric, system=system)
            if count > 1
            else None
        )
        entry["since_last"] = (
            _change(now=latest.value, then=values[-2].value, metric=metric, system=system)
            if count > 1
            else None
        )
        result.append(entry)
    return result[:metrics_limit] if metrics_limit else result


def metric_choices_for_logging() -> list[Metric]:
    """Metrics a person can log now (not archived), in their display order."""
    return list(Metric.objects.filter(archived_at__isnull=True).order_by("position", "name"))

"""Measurements and the metrics they measure: log, correct, delete; custom metrics.

Values arrive here in SI (kg, cm, %); forms and the API convert what people
type with ``clients.units``. Error messages quote limits in the units of
whoever is typing (``units`` argument).
"""

import datetime
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policies import is_owner

from .. import units as u
from ..models import Client, Measurement, Metric
from .changes import KEEP, Keep
from .records import client_touch

EARLIEST_DATE = datetime.date(1900, 1, 1)

# sane bounds in SI, per built-in metric and per kind for the trainer's own metrics
BOUNDS_BY_KEY = {
    "weight": (Decimal("20"), Decimal("400")),
    "body_fat": (Decimal("2"), Decimal("70")),
}
BOUNDS_BY_KIND = {
    u.MASS: (Decimal("0.1"), Decimal("1000")),
    u.LENGTH: (Decimal("10"), Decimal("300")),  # circumferences
    u.PERCENT: (Decimal("0.1"), Decimal("100")),
    u.OTHER: (Decimal("0.01"), Decimal("999999")),
}
CUSTOM_LENGTH_BOUNDS = (Decimal("0.1"), Decimal("10000"))  # jumps, reaches: not a tape


def metric_bounds(metric: Metric) -> tuple[Decimal, Decimal]:
    """The smallest and largest value (SI) we accept for ``metric``."""
    if metric.key in BOUNDS_BY_KEY and metric.is_builtin:
        return BOUNDS_BY_KEY[metric.key]
    if metric.kind == u.LENGTH and not metric.is_builtin:
        return CUSTOM_LENGTH_BOUNDS
    return BOUNDS_BY_KIND.get(metric.kind, BOUNDS_BY_KIND[u.OTHER])


def client_today(*, client: Client, business=None) -> datetime.date:
    """Today where the client lives (their time zone, else the business's)."""
    name = client.timezone or getattr(business, "timezone", "") or "UTC"
    try:
        zone = zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = datetime.UTC
    return timezone.now().astimezone(zone).date()


def measurement_validate(
    *,
    metric: Metric | None,
    value: Decimal | None,
    measured_on: datetime.date | None,
    today: datetime.date,
    units: str,
) -> None:
    """Raise ValidationError keyed by field for anything we would not store."""
    errors = {}
    if metric is None:
        errors["metric"] = _("Choose what you measured.")
    elif metric.archived_at is not None:
        errors["metric"] = _("%(name)s is archived: choose another measurement.") % {
            "name": metric.name
        }
    if value is None:
        errors["value"] = _("Enter a number.")
    elif value <= 0:
        errors["value"] = _("Enter a number above zero.")
    elif metric is not None and "metric" not in errors:
        low, high = metric_bounds(metric)
        if not low <= value <= high:
            errors["value"] = _("%(name)s must be between %(low)s and %(high)s.") % {
                "name": metric.name,
                "low": u.format_value(low, kind=metric.kind, system=units, unit=metric.unit),
                "high": u.format_value(high, kind=metric.kind, system=units, unit=metric.unit),
            }
    if measured_on is None:
        errors["measured_on"] = _("Enter the date you measured, like 2025-03-14.")
    elif measured_on > today:
        errors["measured_on"] = _("The date cannot be in the future.")
    elif measured_on < EARLIEST_DATE:
        errors["measured_on"] = _("Enter a date after 1900.")
    if errors:
        raise ValidationError(errors)


@dataclass
class Recorded:
    measurement: Measurement
    created: bool  # False: the same metric was already logged that day and was updated


@transaction.atomic
def measurement_record(
    *,
    client: Client,
    metric: Metric,
    value: Decimal,
    measured_on: datetime.date,
    by: User | None,
    units: str = u.METRIC,
    note: str = "",
    today: datetime.date | None = None,
) -> Recorded:
    """Log ``value`` (SI) of ``metric`` for ``client`` on ``measured_on``.

    One value per metric per day: a second entry the same day replaces the
    first (the constraint guarantees it; the lock makes two at once safe).
    When the client logs it themselves, their last activity is updated."""
    if today is None:
        today = client_today(client=client)
    value = Decimal(value).quantize(u.SI_PLACES) if value is not None else None
    measurement_validate(
        metric=metric, value=value, measured_on=measured_on, today=today, units=units
    )
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationError({"note": _("Keep the note under 200 characters.")})
    defaults = {"value": value, "recorded_by": by, "note": note}
    existing = (
        Measurement.objects.select_for_update()
        .filter(client=client, metric=metric, measured_on=measured_on)
        .first()
    )
    if existing is None:
        try:
            with transaction.atomic():
                measurement = Measurement.objects.create(
                    client=client, metric=metric, measured_on=measured_on, **defaults
                )
            created = True
        except IntegrityError:  # someone logged the same day a moment ago
            existing = Measurement.objects.select_for_update().get(
                client=client, metric=metric, measured_on=measured_on
            )
    if existing is not None:
        for name, field_value in defaults.items():
            setattr(existing, name, field_value)
        existing.save(update_fields=list(defaults))
        measurement, created = existing, False
    if by is not None and client.user_id == by.pk:
        client_touch(client=client)
    return Recorded(measurement=measurement, created=created)


def measurement_delete(*, measurement: Measurement, by: User) -> None:
    """Remove one logged value. Callers check that ``by`` may see the client."""
    Measurement.objects.filter(pk=measurement.pk).delete()


@transaction.atomic
def measurements_delete(*, measurements: Iterable[Measurement], by: User) -> int:
    """Remove logged values, all or none. Callers check that ``by`` may see the clients."""
    deleted, _per_model = Measurement.objects.filter(
        pk__in=[measurement.pk for measurement in measurements]
    ).delete()
    return deleted


# --- metrics ---------------------------------------------------------------------------


def _require_owner(user: User) -> None:
    if not is_owner(user):
        raise PermissionDenied(_("Only the owner can define measurements."))


def metric_clean(*, metric: Metric) -> None:
    errors = {}
    metric.name = " ".join((metric.name or "").split())
    metric.unit = " ".join((metric.unit or "").split())
    if not metric.name:
        errors["name"] = _("Give the measurement a name.")
    elif len(metric.name) > 60:
        errors["name"] = _("Keep the name to 60 characters.")
    elif Metric.objects.filter(name__iexact=metric.name).exclude(pk=metric.pk).exists():
        errors["name"] = _("There is already a measurement called %(name)s.") % {
            "name": metric.name
        }
    if metric.kind not in Metric.Kind.values:
        errors["kind"] = _("Choose a kind from the list.")
    elif metric.kind == Metric.Kind.OTHER:
        if not metric.unit:
            errors["unit"] = _("Give the unit, like reps, bpm or points.")
        elif len(metric.unit) > 16:
            errors["unit"] = _("Keep the unit to 16 characters.")
    else:
        metric.unit = ""  # mass, length and percent have their own units
    if errors:
        raise ValidationError(errors)


def _unique_key(name: str) -> str:
    base = (slugify(name) or "metric")[:32].strip("-") or "metric"
    key, n = base, 2
    while Metric.objects.filter(key=key).exists():
        key, n = f"{base}-{n}", n + 1
    return key


@transaction.atomic
def metric_create(
    *,
    by: User,
    name: str,
    kind: str,
    unit: str = "",
    higher_is_better: bool | None = None,
    position: int | None = None,
    is_archived: bool = False,
) -> Metric:
    """A measurement of the trainer's own (owner only). Without a ``position`` it
    comes after the built-ins."""
    _require_owner(by)
    metric = Metric(
        name=name,
        kind=kind,
        unit=unit,
        higher_is_better=higher_is_better,
        position=100 if position is None else position,
        archived_at=timezone.now() if is_archived else None,
    )
    metric_clean(metric=metric)
    metric.key = _unique_key(metric.name)
    metric.save()
    return metric


@transaction.atomic
def metric_update(
    *,
    metric: Metric,
    by: User,
    name: str | Keep = KEEP,
    kind: str | Keep = KEEP,
    unit: str | Keep = KEEP,
    higher_is_better: bool | None | Keep = KEEP,
    position: int | Keep = KEEP,
    is_archived: bool | Keep = KEEP,
) -> Metric:
    """Rename a metric, change its unit, direction or place in lists; archive it or
    bring it back. What is left out stays as it is.

    The kind of a built-in, or of a metric with values, never changes: stored
    SI values would change meaning."""
    _require_owner(by)
    metric = Metric.objects.select_for_update().get(pk=metric.pk)
    if kind is not KEEP and kind != metric.kind:
        if metric.is_builtin:
            raise ValidationError({"kind": _("The kind of a built-in measurement is fixed.")})
        if metric.measurements.exists():
            raise ValidationError(
                {"kind": _("This measurement has values already: its kind cannot change.")}
            )
    changes = {
        "name": name,
        "kind": kind,
        "unit": unit,
        "higher_is_better": higher_is_better,
        "position": position,
    }
    for field, value in changes.items():
        if value is not KEEP:
            setattr(metric, field, value)
    if is_archived is True and metric.archived_at is None:
        metric.archived_at = timezone.now()
    elif is_archived is False:
        metric.archived_at = None
    metric_clean(metric=metric)
    metric.save()
    return metric


def metric_archive(*, metric: Metric, by: User) -> Metric:
    """Hide a metric from the forms; its values stay (built-ins are archived, never deleted)."""
    return metric_update(metric=metric, by=by, is_archived=True)


def metric_delete(*, metric: Metric, by: User) -> None:
    """Delete a custom metric that has no values yet. Built-ins are archived instead."""
    _require_owner(by)
    if metric.is_builtin:
        raise ValidationError(
            {"metric": _("Built-in measurements cannot be deleted: archive them instead.")}
        )
    if metric.measurements.exists():
        raise ValidationError(
            {"metric": _("%(name)s has values: archive it instead.") % {"name": metric.name}}
        )
    metric.delete()

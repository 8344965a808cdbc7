"""The public booking page on a business's address (/book/), for people without an
account: the sessions open to prospects (``SessionType.is_public``), a day and a time
(shown in a time zone the visitor picks, the business's by default), who they are, and
the booking, which makes them a lead (``services.prospects``).

No sign-in; CSRF as everywhere. Booking is limited per client address and per e-mail
address (``LEAD_RATE_LIMIT_PER_HOUR``, counted in this business's cache keys) and a
hidden field catches robots. The confirmation page learns which booking it shows from
a signed token that names the business, and shows nothing about the client record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import zoneinfo

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from mectofitness.core.forms import form_errors_add
from mectofitness.core.net import client_ip
from mectofitness.core.timezones import timezone_choices
from tenants.services import rate_limit_hit

from ..forms import DayForm, TimeChoiceForm
from ..forms_public import ProspectForm, visitor_zone
from ..models import Booking, SessionType
from ..selectors import (
    business_zone,
    coaches_for,
    free_days,
    free_times,
    session_types_offered,
)
from ..services.prospects import ProspectContact, prospect_book

logger = logging.getLogger(__name__)

BOOKED_SALT = "scheduling-public-booked"
BOOKED_MAX_AGE = 30 * 24 * 3600  # the confirmation stays readable for a month


def _public_types():
    # one-to-one only: a prospect books a time, not a place in a class
    return session_types_offered(public_only=True).filter(capacity=1)


def _kind(type_id: int) -> SessionType:
    return get_object_or_404(_public_types(), pk=type_id)


def _coach(kind: SessionType, wanted: int | None):
    """The coach asked for (if they offer ``kind``), else the first; and all of them."""
    coaches = list(coaches_for(kind))
    if not coaches:
        raise Http404
    by_pk = {coach.pk: coach for coach in coaches}
    return by_pk.get(wanted, coaches[0]), coaches


def _zone(request) -> zoneinfo.ZoneInfo:
    data = request.POST if request.method == "POST" else request.GET
    return visitor_zone(data.get("tz"), business_zone())


def _times_url(kind: SessionType, **query) -> str:
    query = {k: v for k, v in query.items() if v}
    url = reverse("scheduling_public_times", args=[kind.pk])
    return f"{url}?{urlencode(query)}" if query else url


@never_cache
@require_GET
def types(request):
    """The sessions a visitor may book."""
    return render(request, "scheduling/public/types.html", {"kinds": list(_public_types())})


@never_cache
@require_GET
def times(request, type_id: int):
    """Pick a day and a time, in the zone the visitor chose."""
    kind = _kind(type_id)
    pick = DayForm(request.GET)
    pick.is_valid()
    tz = visitor_zone(request.GET.get("tz"), business_zone())
    coach, coaches = _coach(kind, pick.cleaned_data.get("coach"))
    days = free_days(session_type=kind, coach=coach, now=timezone.now(), tz=tz)
    day = pick.cleaned_data.get("day")
    if day not in days:
        day = next((d for d, moments in days.items() if moments), next(iter(days)))
    context = {
        "kind": kind,
        "coach": coach,
        "coaches": coaches,
        "days": days,
        "day": day,
        "times": days[day],
        "tz": tz,
        "zones": timezone_choices(),
        "business_tz": business_zone(),
    }
    return render(request, "scheduling/public/times.html", context)


def _rate_limited(request, email: str) -> str | None:
    """Count one booking for the client's address and for the e-mail address; the
    message for the visitor when either is over the hourly limit."""
    limit = settings.LEAD_RATE_LIMIT_PER_HOUR
    ip = client_ip(request)
    if rate_limit_hit(scope="public-booking", key=ip, limit=limit):
        logger.warning("public booking refused: rate limit reached for %s", ip)
        return _("Too many bookings from your network. Please try again in an hour.")
    # the address hashed: the cache holds no e-mail addresses
    hashed = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    if rate_limit_hit(scope="public-booking-email", key=hashed, limit=limit):
        logger.warning("public booking refused: rate limit reached for an e-mail address")
        return _("Too many bookings for this e-mail address. Please try again in an hour.")
    return None


def _other_times(kind, coach, tz, day: dt.date) -> list[dt.datetime]:
    """The free times left on ``day`` (the visitor's calendar day)."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    return free_times(session_type=kind, coach=coach, start=start, end=end, now=timezone.now())


def _day(value: str | None, tz: zoneinfo.ZoneInfo) -> dt.date:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return timezone.now().astimezone(tz).date()


@never_cache
@require_http_methods(["GET", "POST"])
def details(request, type_id: int):
    """GET: the chosen time and the form; POST: book it. Without a time, back to the
    times; a time taken meanwhile: the form again, with the day's other times."""
    kind = _kind(type_id)
    tz = _zone(request)
    posted = request.method == "POST"
    chosen = TimeChoiceForm(request.POST if posted else request.GET)
    if not chosen.is_valid() and not posted:
        return redirect(_times_url(kind, tz=tz.key))
    coach, _coaches = _coach(kind, chosen.cleaned_data.get("coach"))
    starts_at = chosen.cleaned_data.get("starts_at")
    day = starts_at.astimezone(tz).date() if starts_at else _day(request.POST.get("day"), tz)
    form = ProspectForm(request.POST if posted else None, business_name=connection.tenant.name)
    status, problem, other_times = 200, None, []
    if posted:
        if form.data.get("website"):
            # the hidden field only robots fill in: say thanks, keep nothing
            return redirect("scheduling_public_booked")
        status = 400
        if starts_at is None:
            problem = _("Pick one of the times shown.")
            other_times = _other_times(kind, coach, tz, day)
        elif form.is_valid():
            problem = _rate_limited(request, form.cleaned_data["email"])
            if problem is not None:
                status = 429
            else:
                try:
                    booking = prospect_book(
                        session_type=kind,
                        coach=coach,
                        starts_at=starts_at,
                        contact=_contact(form.cleaned_data, tz),
                    )
                except ValidationError as exc:
                    if "starts_at" not in getattr(exc, "error_dict", {}):
                        form_errors_add(form, exc)
                    else:
                        status = 409
                        problem = " ".join(exc.message_dict["starts_at"])
                        other_times = _other_times(kind, coach, tz, day)
                        starts_at = None
                else:
                    return _to_booked(booking, tz)
    context = {
        "kind": kind,
        "coach": coach,
        "starts_at": starts_at,
        "ends_at": starts_at + kind.duration if starts_at else None,
        "day": day,
        "tz": tz,
        "form": form,
        "problem": problem,
        "other_times": other_times,
        "times_url": _times_url(kind, tz=tz.key, coach=coach.pk, day=day.isoformat()),
    }
    return render(request, "scheduling/public/details.html", context, status=status)


def _contact(given: dict, tz: zoneinfo.ZoneInfo) -> ProspectContact:
    return ProspectContact(
        name=given["name"],
        email=given["email"],
        phone=given["phone"],
        message=given["message"],
        timezone=tz.key,
    )


def _to_booked(booking: Booking, tz: zoneinfo.ZoneInfo) -> HttpResponseRedirect:
    """To the confirmation (303: a reload does not book again), with a signed token
    naming the booking, the visitor's zone and this business."""
    token = signing.dumps(
        {"b": booking.pk, "tz": tz.key, "s": connection.schema_name}, salt=BOOKED_SALT
    )
    url = reverse("scheduling_public_booked")
    return HttpResponseRedirect(f"{url}?{urlencode({'t': token})}", status=303)


@never_cache
@require_GET
def booked(request):
    """The confirmation: what was booked, when (in the visitor's zone), with whom and
    where. Without a valid token (a robot's "booking"), a plain thank-you."""
    booking, tz = None, business_zone()
    try:
        data = signing.loads(request.GET.get("t", ""), salt=BOOKED_SALT, max_age=BOOKED_MAX_AGE)
    except signing.BadSignature:
        data = None
    if isinstance(data, dict) and data.get("s") == connection.schema_name:
        booking = (
            Booking.objects.select_related("appointment__session_type", "appointment__coach")
            .filter(pk=data.get("b"))
            .first()
        )
        tz = visitor_zone(data.get("tz"), tz)
    return render(request, "scheduling/public/booked.html", {"booking": booking, "tz": tz})


urlpatterns = [
    path("book/", types, name="scheduling_public_types"),
    path("book/booked/", booked, name="scheduling_public_booked"),
    path("book/<int:type_id>/", times, name="scheduling_public_times"),
    path("book/<int:type_id>/details/", details, name="scheduling_public_details"),
]

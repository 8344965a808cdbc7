"""Prospects: people without an account who book an intro call on the business's public
booking page (``scheduling.views.public``).

A prospect becomes a client record in the lead stage, made by the clients app's own
``client_create``, and books through ``booking.session_book_for_visitor``: the same
appointment and place as any booking, under the same exclusion constraints, so two
visitors racing for one time never both get it. An address a client already has is
booked for that client, and the visitor is told exactly what a new one is told: the
page never says whether an address is known.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from clients.models import Client
from clients.services.records import client_create
from mectofitness.core.timezones import timezone_canonical

from ..models import Booking, SessionType
from .booking import session_book_for_visitor


@dataclass(frozen=True)
class ProspectContact:
    """Who the public booking form says is booking (``ProspectForm`` cleaned it)."""

    name: str
    email: str
    phone: str = ""
    message: str = ""
    timezone: str = ""  # the zone they read the times in


def _names(name: str) -> tuple[str, str]:
    first, _space, last = " ".join(name.split()).partition(" ")
    return first[:80], last[:80]


def prospect_client(*, contact: ProspectContact, coach: User) -> Client:
    """The client record for ``contact``'s address: the one a client already has, else a
    new lead (whose primary coach is the coach they are booking, so that coach sees
    them). Nothing on an existing record changes: anyone can type anyone's address."""
    email = contact.email.strip().lower()
    if not email:
        # matching on a blank address would pick any client without one
        raise ValidationError({"email": _("We need your e-mail address to confirm your booking.")})
    match = Client.objects.filter(email__iexact=email).first()
    if match is not None:
        return match
    first_name, last_name = _names(contact.name)
    try:
        with transaction.atomic():
            return client_create(
                by=None,
                first_name=first_name,
                last_name=last_name,
                email=email,
                phone=contact.phone.strip(),
                timezone=timezone_canonical(contact.timezone) or "",
                source=Client.Source.WEBSITE,
                status=Client.Status.LEAD,
                primary_coach=coach,
            )
    except (IntegrityError, ValidationError):
        # the same address booked twice at once: the other request made the record
        match = Client.objects.filter(email__iexact=email).first()
        if match is None:
            raise
        return match


@transaction.atomic
def prospect_book(
    *,
    session_type: SessionType,
    coach: User,
    starts_at: dt.datetime,
    contact: ProspectContact,
    now: dt.datetime | None = None,
) -> Booking:
    """A visitor books a public session: their client record (``prospect_client``) gets
    the place, their message goes on the appointment for the coach. A time that is not
    free (taken a moment ago, or busy for the client) is refused with one message,
    "just taken", whoever the address belongs to; if the booking is refused, no lead is
    kept either (one transaction)."""
    now = now or timezone.now()
    if not session_type.is_public:
        raise ValidationError({"session_type": _("This session cannot be booked here.")})
    client = prospect_client(contact=contact, coach=coach)
    try:
        return session_book_for_visitor(
            client=client,
            session_type=session_type,
            coach=coach,
            starts_at=starts_at,
            now=now,
            note=contact.message.strip(),
        )
    except ValidationError as exc:
        if "starts_at" in getattr(exc, "error_dict", {}) and starts_at > now:
            # "you already have a session then" would tell a stranger about a client
            raise ValidationError(
                {"starts_at": _("That time was just taken. Please choose another.")}
            ) from exc
        raise

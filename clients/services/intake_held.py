"""Answers held off a client's record.

The shareable link (``/f/<token>/``) is open to anyone, and anyone can type anyone's
e-mail address into it. When the address belongs to a client we already know,
``lead_intake_submit`` keeps the answers apart (``Response.match`` set, ``client``
empty): they change nothing on that client and show nowhere as theirs (the portal,
the API, the answers list, exports) until either

- the address confirms them: a branded e-mail from the business carries a signed
  link (``held_response_confirm``), or
- a coach who may see the client merges them by hand in the back office
  (``held_response_merge``), or keeps them as a separate lead
  (``held_response_keep_separate``).

Attaching fills the client's blank fields from the contact details given, as the
link did before; it never overwrites what the record says.
"""

from __future__ import annotations

import datetime

from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policies import is_staff_member
from mectofitness.core.context_processors import business_url
from mectofitness.core.mail import send_business_mail
from mectofitness.core.tasks import enqueue_on_commit
from tenants.services import rate_limit_hit

from ..models import Client, Response
from ..selectors import client_queryset_for
from .records import client_create, client_note_add, client_touch

CONFIRM_SALT = "clients.intake.held-confirm"
CONFIRM_LIFETIME = datetime.timedelta(days=14)
# an open form must not become a way to flood someone's inbox
CONFIRM_MAILS_PER_CLIENT_PER_DAY = 3
# queued by name: the task module imports this one (clients.tasks.intake)
NOTIFY_TASK = "clients.tasks.intake.response_submitted_notify_task"
CONFIRM_SEND_TASK = "clients.tasks.intake.held_response_confirm_send_task"


# --- confirming by e-mail ---------------------------------------------------------------


def held_response_confirm_token(*, response: Response) -> str:
    """The signed link's token: this business, these answers, this client and the
    address the mail goes to. Ids repeat in every schema, so the schema is signed too;
    the link works once because attaching clears ``match``."""
    return signing.dumps(
        {
            "b": connection.schema_name,
            "r": response.pk,
            "c": response.match_id,
            "e": response.match.email,
        },
        salt=CONFIRM_SALT,
        compress=True,
    )


def held_response_for_token(*, token: str) -> Response | None:
    """The held answers a confirmation link points at; None when the link is forged,
    expired, from another business, already used, or the client's address changed
    since it was sent (one query, none for a bad signature)."""
    if not token or len(token) > 500:
        return None
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_LIFETIME)
    except signing.BadSignature:  # expired links too (SignatureExpired)
        return None
    if not isinstance(data, dict) or data.get("b") != connection.schema_name:
        return None
    response_id, client_id, email = data.get("r"), data.get("c"), data.get("e")
    if not (isinstance(response_id, int) and isinstance(client_id, int) and email):
        return None
    return (
        Response.objects.select_related("match", "version__questionnaire")
        .filter(pk=response_id, match_id=client_id, match__email=email)
        .first()
    )


def held_response_confirm_request(*, response: Response) -> bool:
    """After held answers arrive: queue the confirmation e-mail to the client's
    address (at most a few a day per client) and tell the client's coach. Returns
    whether the e-mail was queued."""
    enqueue_on_commit(NOTIFY_TASK, response_id=response.pk)
    if not response.match.email or rate_limit_hit(
        scope="intake-held-confirm",
        key=str(response.match_id),  # the cache key carries the business
        limit=CONFIRM_MAILS_PER_CLIENT_PER_DAY,
        window_seconds=24 * 3600,
    ):
        return False
    enqueue_on_commit(CONFIRM_SEND_TASK, response_id=response.pk)
    return True


def held_response_confirm_send(*, response: Response) -> bool:
    """The confirmation e-mail, from the business (its name, replies to the owner),
    with the signed single-use link. Sent to the address on the client's record.
    Returns False when there is nothing to send (no longer held, no address)."""
    client = response.match
    if client is None or not client.email:
        return False
    business = connection.tenant
    token = held_response_confirm_token(response=response)
    context = {
        "business": business,
        "first_name": client.first_name,
        "form_title": response.version.questionnaire.title,
        "submitted_at": response.submitted_at,
        "confirm_url": business_url(business.slug, f"/f/confirm/{token}/"),
        "expires_at": response.submitted_at + CONFIRM_LIFETIME,
    }
    send_business_mail(
        business=business,
        to=client.email,
        subject=_("Please confirm your answers to %(business)s") % {"business": business.name},
        template="emails/intake_confirm",
        context=context,
    )
    return True


@transaction.atomic
def held_response_confirm(*, token: str) -> Response | None:
    """The address followed its link: the held answers become the client's. A link
    that is not valid here, or was used already, changes nothing and returns None."""
    response = held_response_for_token(token=token)
    if response is None:
        return None
    attached = _attach(response=response, client_id=response.match_id)
    if attached is not None:
        enqueue_on_commit(NOTIFY_TASK, response_id=attached.pk)
    return attached


# --- by hand, in the back office ---------------------------------------------------------


def _held_for_staff(*, response: Response, by: User) -> Response:
    """The held answers, locked, if ``by`` is staff who may see their possible match
    (PermissionDenied otherwise); a clear error when someone already decided."""
    # lock the row: the e-mail link and a coach may decide at the same moment
    locked = Response.objects.select_for_update().filter(pk=response.pk).first()
    if locked is None or not is_staff_member(by):
        raise PermissionDenied
    visible = client_queryset_for(user=by)
    if locked.match_id is None:
        if locked.client_id is not None and visible.filter(pk=locked.client_id).exists():
            raise ValidationError(
                {NON_FIELD_ERRORS: [_("Someone already merged these answers or kept them apart.")]}
            )
        raise PermissionDenied
    if not visible.filter(pk=locked.match_id).exists():
        raise PermissionDenied
    return locked


@transaction.atomic
def held_response_merge(*, response: Response, by: User) -> Response:
    """A coach who may see the possible match says these are that client's answers."""
    locked = _held_for_staff(response=response, by=by)
    return _attach(response=locked, client_id=locked.match_id)


@transaction.atomic
def held_response_keep_separate(*, response: Response, by: User) -> Client:
    """A coach says these answers are someone else's: a new lead from the contact
    details given, without the e-mail address (the matching client has it). A coach
    who does this becomes the lead's primary coach, as when they add a client."""
    locked = _held_for_staff(response=response, by=by)
    contact = locked.contact or {}
    lead = client_create(
        by=by,
        first_name=(contact.get("first_name") or "").strip()[:80] or _("Unknown"),
        last_name=(contact.get("last_name") or "").strip()[:80],
        phone=(contact.get("phone") or "").strip()[:32],
        source=Client.Source.INTAKE,
        status=Client.Status.LEAD,
    )
    client_note_add(
        client=lead,
        author=by,
        body=_(
            "Answered “%(form)s” through the form's link on %(date)s, giving the e-mail "
            "address %(email)s. Kept as a separate lead."
        )
        % {
            "form": locked.version.questionnaire.title,
            "date": timezone.localtime(locked.submitted_at).strftime("%-d %b %Y"),
            "email": contact.get("email") or "—",
        },
    )
    locked.client, locked.match = lead, None
    locked.save(update_fields=["client", "match"])
    client_touch(client=lead)
    return lead


def _attach(*, response: Response, client_id: int) -> Response | None:
    """Make held answers the client's (``match`` cleared, ``client`` set) and fill the
    client's blank last name, phone and source from the contact details given. None
    when they are no longer held for this client (used link, decided already)."""
    # lock the row: the e-mail link and a coach may decide at the same moment
    locked = Response.objects.select_for_update().filter(pk=response.pk, match_id=client_id).first()
    if locked is None:
        return None
    client = Client.objects.select_for_update().get(pk=client_id)
    contact = locked.contact or {}
    changed = []
    for name, size in (("last_name", 80), ("phone", 32)):
        value = (contact.get(name) or "").strip()[:size]
        if value and not getattr(client, name):
            setattr(client, name, value)
            changed.append(name)
    if not client.source:
        client.source = Client.Source.INTAKE
        changed.append("source")
    if changed:
        client.save(update_fields=[*changed, "updated_at"])
    locked.client, locked.match = client, None
    locked.save(update_fields=["client", "match"])
    client_touch(client=client)
    return locked

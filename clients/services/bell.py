"""The bell (and push) beside the clients app's mails: a check-in (or any answers) sent
reaches the client's coaches, the coach's reply to a check-in reaches the client."""

from __future__ import annotations

import hashlib

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import OWNER
from notifications.models import Kind
from notifications.services import notify

from ..models import Client, Response


def answers_bell(*, response: Response, client: Client) -> int:
    """Tell the client's coaches (the primary coach and those sharing the client; without
    any, the owners) that ``response`` arrived, to review (once per response)."""
    people = list(
        User.objects.filter(is_active=True, is_staff=True)
        .filter(Q(pk=client.primary_coach_id) | Q(shared_clients=client))
        .distinct()
    )
    if not people:
        people = list(User.objects.filter(groups__name=OWNER, is_active=True))
    is_checkin = response.period_start is not None
    # a check-in opens on its review page (where reading it marks it read)
    page = "review" if is_checkin else "change"
    title = (_("%(name)s sent a check-in") if is_checkin else _("%(name)s sent their answers")) % {
        "name": client.full_name
    }
    made = 0
    for person in people:
        made += (
            notify(
                user=person,
                kind=Kind.CHECKIN_REVIEW,
                title=title,
                body=response.version.questionnaire.title,
                url=f"/admin/clients/response/{response.pk}/{page}/",
                key=f"response:{response.pk}",
            )
            is not None
        )
    return made


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def checkin_reply_bell(*, response: Response, by: User) -> bool:
    """Tell the client their coach replied to their check-in (once per reply text)."""
    client = response.client
    if client is None or client.user_id is None:
        return False
    name = by.first_name or _("Your coach")
    return (
        notify(
            user=client.user,
            kind=Kind.COMMENT,
            title=_("%(coach)s replied to your check-in") % {"coach": name},
            body=response.coach_comment,
            url="/check-ins/",
            key=f"comment:checkin:{response.pk}:{_digest(response.coach_comment)}",
        )
        is not None
    )

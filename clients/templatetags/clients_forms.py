"""Template tags of intake forms and check-ins: answers as rows, the portal home's
box, and the back office client page's panel."""

from django import template
from django.urls import reverse

from ..models import Response
from ..selectors_intake import answer_rows as _answer_rows
from ..selectors_intake import (
    assignment_is_done,
    assignments_for_client,
    checkins_due_for,
    held_responses_for,
    responses_for,
)

register = template.Library()

PANEL_CHECKINS = 5


@register.simple_tag
def answer_rows(response):
    """The questions of the version answered, each with its answer as text."""
    return _answer_rows(response=response)


@register.simple_tag
def portal_home_forms(client) -> dict:
    """What the client has to do: due check-ins and forms not sent yet."""
    pending = [a for a in assignments_for_client(client=client) if not assignment_is_done(a)]
    return {"due": checkins_due_for(client=client), "pending": pending}


@register.simple_tag
def backoffice_forms_panel(client, request) -> dict:
    """For a client's back-office page: their latest answer to each intake form and
    their recent check-ins, as the signed-in person may see them, and answers held as
    a possible match for them (five queries)."""
    visible = responses_for(user=request.user).filter(
        client=client, status=Response.Status.SUBMITTED
    )
    latest: dict[int, Response] = {}
    for response in visible.filter(period_start__isnull=True).order_by("-submitted_at"):
        latest.setdefault(response.version.questionnaire_id, response)
    checkins = list(
        visible.filter(period_start__isnull=False)
        .select_related("reviewed_by")
        .order_by("-period_start")[:PANEL_CHECKINS]
    )
    pending = [a for a in assignments_for_client(client=client) if not assignment_is_done(a)]
    held = held_responses_for(user=request.user).filter(match=client).order_by("-submitted_at")
    return {
        "intake": list(latest.values()),
        "held": list(held),
        "checkins": checkins,
        "pending": pending,
        "send_url": reverse("backoffice:clients_send_form_choose") + f"?ids={client.pk}",
    }


@register.filter
def scale_percent(value, spec_max=10):
    try:
        return max(0, min(100, round(float(value) * 100 / float(spec_max or 10))))
    except (TypeError, ValueError):
        return 0

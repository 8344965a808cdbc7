"""Template tags of the assignment concern: the client's training panel in the back
office (``templates/clients/backoffice/_panel_training.html``). Five queries."""

from django import template
from django.urls import reverse

from clients.services.measurements import client_today

from ..selectors.assignment import training_summary

register = template.Library()


@register.simple_tag
def training_panel(client, request):
    """The active program, next workouts, compliance and links for ``client``."""
    today = client_today(client=client, business=getattr(request, "tenant", None))
    return {
        "summary": training_summary(client=client, today=today),
        "training_url": reverse("backoffice:programs_programassignment_client", args=[client.pk]),
        "assign_url": reverse("backoffice:programs_programassignment_assign")
        + f"?clients={client.pk}",
        "programs_url": reverse("backoffice:programs_program_changelist")
        + f"?kind=client&q={client.last_name or client.first_name}",
    }

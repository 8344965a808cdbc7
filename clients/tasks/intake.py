"""Worker tasks: intake."""

from mectofitness.celery import app

from ..models import Response
from ..services.intake_answers import response_submitted_notify
from ..services.intake_held import held_response_confirm_send

__all__ = ["held_response_confirm_send_task", "response_submitted_notify_task"]


@app.task
def response_submitted_notify_task(*, response_id: int) -> None:
    """E-mail the client's coach that new answers arrived (or wait as a possible match)."""
    response = (
        Response.objects.select_related(
            "client__primary_coach", "match__primary_coach", "version__questionnaire"
        )
        .filter(pk=response_id)
        .first()
    )
    if response is not None:
        response_submitted_notify(response=response)


@app.task
def held_response_confirm_send_task(*, response_id: int) -> None:
    """E-mail the address held answers were sent with, asking it to confirm them."""
    response = (
        Response.objects.select_related("match", "version__questionnaire")
        .filter(pk=response_id, match__isnull=False)
        .first()
    )
    if response is not None:
        held_response_confirm_send(response=response)

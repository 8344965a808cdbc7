"""Worker tasks: intake."""

from mectofitness.celery import app

__all__ = ["response_submitted_notify_task"]


@app.task
def response_submitted_notify_task(*, response_id: int) -> None:
    """E-mail the client's coach that new answers arrived."""
    from ..models import Response
    from ..services.intake import response_submitted_notify

    response = (
        Response.objects.select_related("client__primary_coach", "version__questionnaire")
        .filter(pk=response_id)
        .first()
    )
    if response is not None:
        response_submitted_notify(response=response)

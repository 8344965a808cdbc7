"""Celery tasks: personal records."""

from clients.models import Client
from mectofitness.celery import app
from programs.models import SetLog
from programs.services.records import records_refresh

__all__ = ["records_rebuild_task"]


@app.task
def records_rebuild_task(*, client_id: int) -> int:
    """Recompute every record of one client from their sets (after a correction or an
    import). Returns how many records are new."""
    client = Client.objects.filter(pk=client_id).first()
    if client is None:
        return 0
    keys = set(
        SetLog.objects.filter(workout__client=client).values_list(
            "catalog_exercise_id", "exercise_id"
        )
    )
    return len(records_refresh(client=client, exercises=keys))

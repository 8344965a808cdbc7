"""Worker tasks: import, export and erasure."""

from accounts.models import User
from mectofitness.celery import app

from ..services.importing import clients_import_in_background, import_uploads_purge

__all__ = ["clients_import_apply_task", "import_uploads_purge_task"]


@app.task
def clients_import_apply_task(*, name: str, user_id: int, filename: str = "") -> None:
    """Apply a previewed import too big for a web request (see IMPORT_INLINE_MAX)."""
    clients_import_in_background(name=name, by=User.objects.get(pk=user_id), filename=filename)


@app.task
def import_uploads_purge_task() -> int:
    """Remove this business's import files older than a day (previews never applied).
    Queue it per business (the tenant travels in the headers), e.g. from a daily beat."""
    return import_uploads_purge()

"""Worker tasks: progress photos."""

from mectofitness.celery import app

from ..models import ProgressPhoto
from ..services.photos import photo_thumbnail_make

__all__ = ["progress_photo_thumbnail_task"]


@app.task
def progress_photo_thumbnail_task(*, photo_id: int) -> None:
    """Make the thumbnail of a freshly uploaded photo (it may be deleted meanwhile)."""
    photo = ProgressPhoto.objects.filter(pk=photo_id).first()
    if photo is not None:
        photo_thumbnail_make(photo=photo)

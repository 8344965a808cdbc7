"""The one view that serves files sent with messages: to people who may open the
conversation (``selectors.thread_queryset_for``), 404 to anyone else, so nobody learns
that a file exists. Photos open in the page; PDFs download (never rendered on our own
origin)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.urls import path
from django.views.decorators.http import require_GET

from .selectors import attachment_for


@login_required
@require_GET
def attachment_file(request, pk: int):
    """One attachment's file, as kept."""
    attachment = attachment_for(user=request.user, pk=pk)
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=attachment.content_type,
        as_attachment=not attachment.is_image,
        filename=attachment.name,
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


urlpatterns = [
    path("messages/files/<int:pk>/", attachment_file, name="messaging_attachment"),
]

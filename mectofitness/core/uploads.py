"""Request bodies have a size limit per route, checked before anything reads them.

Django writes the files of a multipart body to disk as it parses it, and its
``DATA_UPLOAD_MAX_MEMORY_SIZE`` does not count files. The CSRF middleware parses a
form's body before the view runs, so a limit in a form or a view comes too late:
``RequestBodyLimitMiddleware`` (placed before the CSRF middleware) refuses a
``Content-Length`` over the route's limit with 413 before a byte is read, and caps
the stream at the limit. Django reads no more than ``Content-Length`` of a body
(none without one), so nothing larger reaches a parser.

A route's limit is ``body_limit(bytes)`` on its view (a function, or an admin
view method), ``body_max_bytes`` on a DRF view or a ModelAdmin class, or else
``REQUEST_BODY_MAX_BYTES``. The proxy in front should cap bodies too (README).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

MB = 1024 * 1024
# what a form sends besides its file: its other fields and the multipart framing
FORM_SLACK_BYTES = MB


def body_limit(max_bytes: int, *, before_read: Callable | None = None):
    """Mark a view: a body over ``max_bytes`` is refused with 413 before it is read.

    ``before_read(request, *args, **kwargs)`` runs before the body is read too (a
    rate limit that must not cost a parse): it returns a response to refuse the
    request, or None."""

    def mark(view):
        view.body_max_bytes = max_bytes
        if before_read is not None:
            view.body_before_read = before_read
        return view

    return mark


def file_route_limit(file_max_bytes: int) -> int:
    """The body limit of a route that takes one file of at most ``file_max_bytes``:
    twice that, so a file a little too large still reaches the form and its precise
    message; anything larger is refused unread."""
    return 2 * file_max_bytes + FORM_SLACK_BYTES


def _marked(view_func, name: str):
    for holder in (
        view_func,
        getattr(view_func, "cls", None),  # DRF
        getattr(view_func, "model_admin", None),  # a ModelAdmin's own views
    ):
        value = getattr(holder, name, None)
        if value is not None:
            return value
    return None


def route_body_limit(view_func) -> int:
    """The most bytes a request body may have on the route of ``view_func``."""
    return _marked(view_func, "body_max_bytes") or settings.REQUEST_BODY_MAX_BYTES


def content_length(request) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0  # Django reads such a body as empty


def too_large_response(request, *, max_bytes: int) -> HttpResponse:
    megabytes = f"{max_bytes / MB:.0f}" if max_bytes >= MB else f"{max_bytes / MB:.1f}"
    message = _(
        "This is more than we accept at once (at most %(mb)s MB). Send smaller or fewer files."
    ) % {"mb": megabytes}
    if request.path.startswith("/api/") or "json" in request.headers.get("Accept", ""):
        response = JsonResponse({"detail": message}, status=413)
    else:
        html = render_to_string("413.html", {"message": message}, request=request)
        response = HttpResponse(html, status=413)
    return response


class RequestBodyLimitMiddleware:
    """Refuse a body over its route's limit before it is read (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        max_bytes = route_body_limit(view_func)
        if content_length(request) > max_bytes:
            return too_large_response(request, max_bytes=max_bytes)
        stream = getattr(request, "_stream", None)
        if stream is not None and not getattr(request, "_read_started", False):
            request._stream = LimitedStream(stream, max_bytes)
        before_read = _marked(view_func, "body_before_read")
        if before_read is not None:
            return before_read(request, *view_args, **view_kwargs)
        return None

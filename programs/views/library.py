"""Portal pages: catalog images (public) and an exercise's page for clients."""

import mimetypes
import posixpath

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from programs.catalog.services import IMAGE_CONTENT_TYPES, IMAGE_PREFIX
from programs.selectors.library import exercise_get

IMAGE_MAX_AGE = 60 * 60 * 24 * 30


@require_GET
def library_image(request, name: str):
    """A catalog image. Public and cacheable: the catalog is the same for everyone and
    holds nothing private; only JPEG, PNG and WebP files under the catalog's prefix
    are served (never SVG or HTML, which a browser would run on our domain)."""
    name = posixpath.normpath(name).lstrip("/")
    if ".." in name.split("/") or not name.startswith(IMAGE_PREFIX + "/"):
        raise Http404
    content_type, _encoding = mimetypes.guess_type(name)
    if content_type not in IMAGE_CONTENT_TYPES or not default_storage.exists(name):
        raise Http404
    response = FileResponse(default_storage.open(name), content_type=content_type)
    response["Cache-Control"] = f"public, max-age={IMAGE_MAX_AGE}, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def exercise_detail(request, key: str):
    """How to do an exercise, for anyone signed in here (clients see only what their
    business shows; hidden entries are not found)."""
    exercise = exercise_get(key=key)
    if exercise is None:
        raise Http404
    return render(request, "programs/portal/library_exercise.html", {"exercise": exercise})


urlpatterns = [
    path("library/images/<path:name>", library_image, name="library_image"),
    path("exercises/<str:key>/", exercise_detail, name="portal_exercise"),
]

"""What every back-office page shares: the admin's chrome around the page's own context."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .site import backoffice_site


def page_context(request: HttpRequest, **context) -> dict:
    """The site's context (business header, navigation, banners) plus the page's own."""
    return {**backoffice_site.each_context(request), **context}


def render_page(
    request: HttpRequest, template: str, context: dict | None = None, *, status: int = 200
) -> HttpResponse:
    return render(request, template, page_context(request, **(context or {})), status=status)


def owner_only(request: HttpRequest, title: str) -> HttpResponse:
    """The page an owner's setting shows to a coach: who to ask, not a bare 403."""
    return render_page(request, "backoffice/settings_owner_only.html", {"title": title}, status=403)

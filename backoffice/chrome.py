"""What every back-office page shares: the admin's chrome around the page's own context."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet, Window
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


@dataclass(frozen=True)
class ListPage:
    """One page of a long list, read with its total in the same query (a window count),
    so a paged list costs no query more than an unpaged one. A number past the end
    gives the last page (one count more), anything else not a number the first."""

    rows: list
    number: int
    total: int
    size: int

    @classmethod
    def of(cls, rows: QuerySet, *, number, size: int) -> ListPage:
        number = max(1, int(number)) if str(number or "").isdigit() else 1
        counted = rows.annotate(listed_total=Window(Count("pk")))
        found = list(counted[(number - 1) * size : number * size])
        if found:
            return cls(found, number, found[0].listed_total, size)
        total = rows.count() if number > 1 else 0
        if not total:
            return cls([], 1, 0, size)
        last = (total - 1) // size + 1
        return cls(list(rows[(last - 1) * size : last * size]), last, total, size)

    @property
    def num_pages(self) -> int:
        return max(1, (self.total - 1) // self.size + 1)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

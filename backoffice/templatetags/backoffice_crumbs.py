"""The breadcrumbs of the back office's lists and forms (``templates/backoffice/_crumbs.html``,
which the admin's own list, form, delete and history pages include): "Today › Calendar ›
Session types › 1:1 training", by the navigation's sections, not Django's apps ("Home ›
Clients › Clients")."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ..navigation import place_of

register = template.Library()


@register.simple_tag(takes_context=True)
def model_trail(context, page: str) -> list[tuple[str, str | None]]:
    """(label, address or None) after "Today" for an admin ``page`` of ``opts``' model:
    "list", "form" (add or change), "delete", "delete_selected" or "history". The
    section links to its first list; a list that is not the section's first follows it;
    the page itself is not a link. No query: the navigation is already in the context."""
    opts = context.get("opts")
    if opts is None:
        return []
    try:
        list_url = reverse(f"backoffice:{opts.app_label}_{opts.model_name}_changelist")
    except NoReverseMatch:
        list_url = None
    trail: list[tuple[str, str | None]] = []
    place = place_of(opts.label_lower)
    if place is None:
        trail.append((capfirst(opts.verbose_name_plural), list_url))
    else:
        section, entry = place
        shown = next((s for s in context.get("navigation") or [] if s["key"] == section.key), None)
        section_url = shown["entries"][0]["url"] if shown else None
        if entry is section.entries[0]:
            trail.append((section.label, list_url))
        else:
            trail += [(section.label, section_url), (entry.label, list_url)]
    if page == "list":
        trail[-1] = (trail[-1][0], None)
        return trail
    obj = context.get("original") or context.get("object")
    if page == "delete_selected":
        return [*trail, (_("Delete"), None)]
    if page == "form":
        return [*trail, (str(obj) if obj is not None else context.get("title", ""), None)]
    change_url = None
    if obj is not None:
        try:
            change_url = reverse(
                f"backoffice:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]
            )
        except NoReverseMatch:
            pass
    last = _("Delete") if page == "delete" else _("History")
    return [*trail, (str(obj), change_url), (last, None)]

"""Template filters that give form fields what assistive technology needs."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def labelled_in_row(bound_field, row: int):
    """A field of a table of forms (an inline's line), named by its column and its line:
    "Quantity, line 2". The table's column headers are not labels, so a screen reader
    would otherwise announce a bare text box (axe: label, select-name)."""
    if bound_field.is_hidden:
        return bound_field
    name = _("%(column)s, line %(row)s") % {"column": bound_field.label, "row": row}
    return bound_field.as_widget(attrs={"aria-label": name})

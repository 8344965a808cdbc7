"""The back office's reminder to confirm one's e-mail address (accounts.verification)."""

from django import template

from ..verification import verification_reminder as reminder_for

register = template.Library()


@register.inclusion_tag("admin/_verification_reminder.html", takes_context=True)
def verification_reminder(context):
    """The reminder banner with its resend button, for staff of a business whose
    address is not confirmed yet; nothing otherwise. One query."""
    request = context.get("request")
    if request is None or not context.get("business"):
        return {"reminder": None}
    return {"reminder": reminder_for(request.user), "request": request}

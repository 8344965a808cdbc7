"""Forms of the public booking page: the visitor's time zone, and who they are."""

from __future__ import annotations

import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from mectofitness.core.forms import PHONE_RE
from mectofitness.core.timezones import timezone_canonical


def visitor_zone(value: str | None, default: zoneinfo.ZoneInfo) -> zoneinfo.ZoneInfo:
    """The zone a visitor chose (one of the offered zones), else ``default``: a link
    with a zone we do not offer still shows the times, in the business's zone."""
    name = timezone_canonical(value)
    try:
        return zoneinfo.ZoneInfo(name) if name else default
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return default


class ProspectForm(forms.Form):
    """Who is booking: enough to get back to them, and their agreement to be contacted."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Please tell us your name.")},
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("We need your e-mail address to confirm your booking."),
            "invalid": _("Enter an e-mail address like name@example.com."),
        },
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    message = forms.CharField(
        label=_("Anything you would like us to know? (optional)"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 200}),
        help_text=_("Your goals, or what you would like to ask. Up to 200 characters."),
    )
    consent = forms.BooleanField(
        error_messages={"required": _("Please agree, so that we can book your call.")}
    )
    # a field people do not see: robots fill it in
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args, business_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = _(
            "I agree that %(business)s keeps these details to arrange this call and "
            "contacts me about it."
        ) % {"business": business_name}
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off")

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if len(name) < 2:
            raise forms.ValidationError(_("Please tell us your name."))
        return name

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "").strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(_("Enter a phone number using digits, spaces and + ( ) -."))
        return phone

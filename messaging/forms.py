"""Forms of the messaging pages (the portal and the back office share them)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BODY_MAX_CHARS


class MessageForm(forms.Form):
    """One message to send. Its text is checked by ``services.body_clean`` when sent
    (empty, too long): the page shows the service's error on this field."""

    body = forms.CharField(
        label=_("Message"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": BODY_MAX_CHARS}),
    )

"""Forms of the messaging pages (the portal and the back office share them)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .attachments import MAX_FILES
from .models import BODY_MAX_CHARS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (checked by ``messaging.attachments`` when sent)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class MessageForm(forms.Form):
    """One message to send. Its text is checked by ``services.body_clean`` when sent
    (empty, too long): the page shows the service's error on this field."""

    body = forms.CharField(
        label=_("Message"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": BODY_MAX_CHARS}),
    )
    attachments = MultipleFileField(
        label=_("Photos or PDFs"),
        required=False,
        help_text=_(
            "Up to %(n)s files: photos (their location and camera details are removed) "
            "or PDFs up to 10 MB. For a video, paste its link."
        )
        % {"n": MAX_FILES},
        widget=MultipleFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,application/pdf"}
        ),
    )

"""Back office: e-mail and texts (the owner's). How long a message may stay unread
before it is e-mailed, whether urgent notices go by text, the wording of each kind of
e-mail with a preview as a person gets it (the owner's text is never run as a
template: ``notifications.email_render``), and the addresses no longer mailed because
they bounced or complained, each of which the owner may clear."""

from __future__ import annotations

from csp.constants import NONE, SELF
from csp.decorators import csp_replace
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from accounts.policies import is_owner
from mectofitness.core.sms import sms_is_configured
from notifications.email import (
    email_preview,
    email_template_reset,
    email_template_save,
    notification_settings_get,
    notification_settings_save,
    suppression_clear,
)
from notifications.email_render import PLACEHOLDERS, SAMPLE, Wording, wording_for
from notifications.models import Kind
from notifications.models_channels import (
    EMAIL_BODY_MAX_CHARS,
    EMAIL_SUBJECT_MAX_CHARS,
    MESSAGE_EMAIL_MAX_MINUTES,
    SuppressedAddress,
)

from ..chrome import owner_only, render_page

TITLE = gettext_lazy("E-mail and texts")


def urls(site):
    return [
        path("notifications/email/", site.admin_view(email_view), name="email_settings"),
        path(
            "notifications/email/suppressed/<int:pk>/clear/",
            site.admin_view(suppressed_clear_view),
            name="email_suppressed_clear",
        ),
        path(
            "notifications/email/<str:kind>/",
            site.admin_view(template_view),
            name="email_template",
        ),
        path(
            "notifications/email/<str:kind>/preview/",
            site.admin_view(preview_view),
            name="email_template_preview",
        ),
        path(
            "notifications/email/<str:kind>/reset/",
            site.admin_view(reset_view),
            name="email_template_reset",
        ),
    ]


class ChannelSettingsForm(forms.Form):
    message_email_after_minutes = forms.IntegerField(
        label=gettext_lazy("E-mail an unread message after (minutes)"),
        min_value=0,
        max_value=MESSAGE_EMAIL_MAX_MINUTES,
        help_text=gettext_lazy("0: never. At most a day (1440)."),
    )
    sms_enabled = forms.BooleanField(
        label=gettext_lazy("Text urgent notices to people who said yes to texts"),
        required=False,
    )


class WordingForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=EMAIL_SUBJECT_MAX_CHARS)
    body = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=EMAIL_BODY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 14}),
    )


def _kind(kind: str) -> str:
    if kind not in Kind.values:
        raise Http404
    return kind


def email_view(request: HttpRequest) -> HttpResponse:
    """The settings, the kinds of e-mail with their wording, the addresses not mailed."""
    if not is_owner(request.user):
        return owner_only(request, TITLE)
    current = notification_settings_get()
    form = ChannelSettingsForm(
        request.POST or None,
        initial={
            "message_email_after_minutes": current.message_email_after_minutes,
            "sms_enabled": current.sms_enabled,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            notification_settings_save(**form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("backoffice:email_settings")
    kinds = [
        {"kind": kind.value, "label": kind.label, "own": not wording_for(kind.value).is_default}
        for kind in Kind
    ]
    context = {
        "title": TITLE,
        "form": form,
        "kinds": kinds,
        "suppressed": SuppressedAddress.objects.all()[:200],
        "sms_available": sms_is_configured(),
    }
    return render_page(
        request, "notifications/backoffice/email.html", context, status=400 if form.errors else 200
    )


def template_view(request: HttpRequest, kind: str) -> HttpResponse:
    """One kind's wording: edit it, see it as a person would get it, save it."""
    if not is_owner(request.user):
        return owner_only(request, TITLE)
    kind = _kind(kind)
    wording = wording_for(kind)
    form = WordingForm(
        request.POST or None, initial={"subject": wording.subject, "body": wording.body}
    )
    if request.method == "POST" and form.is_valid():
        try:
            email_template_save(kind=kind, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("E-mail wording saved."))
            return redirect("backoffice:email_template", kind=kind)
    context = {
        "title": _("E-mail: %(kind)s") % {"kind": Kind(kind).label},
        "form": form,
        "kind": kind,
        "is_default": wording.is_default,
        "placeholders": PLACEHOLDERS,
        "preview_url": reverse("backoffice:email_template_preview", kwargs={"kind": kind}),
        "settings_url": reverse("backoffice:email_settings"),
    }
    return render_page(
        request,
        "notifications/backoffice/email_template.html",
        context,
        status=400 if form.errors else 200,
    )


# the preview is the e-mail itself, in a sandboxed frame of the editing page: its inline
# styles are the e-mail's (mail clients ignore style sheets); nothing in it may run
@xframe_options_sameorigin
@csp_replace(
    {
        "default-src": [NONE],
        "style-src": ["'unsafe-inline'"],
        "img-src": [SELF, "data:", "https:"],
        "script-src": [NONE],
        "frame-ancestors": [SELF],
        "form-action": [NONE],
        "sandbox": [""],
    }
)
@require_POST
def preview_view(request: HttpRequest, kind: str) -> HttpResponse:
    """The e-mail as posted (not saved), with sample values: its subject and HTML."""
    if not is_owner(request.user):
        return owner_only(request, TITLE)
    kind = _kind(kind)
    saved = wording_for(kind)
    wording = Wording(
        subject=request.POST.get("subject", saved.subject)[:EMAIL_SUBJECT_MAX_CHARS],
        body=request.POST.get("body", saved.body)[:EMAIL_BODY_MAX_CHARS],
        is_default=False,
    )
    subject, _text, html = email_preview(wording=wording, business=request.tenant, values=SAMPLE)
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["X-Email-Subject"] = subject.encode("ascii", "replace").decode()[:200]
    return response


@require_POST
def reset_view(request: HttpRequest, kind: str) -> HttpResponse:
    """Back to the default wording."""
    if not is_owner(request.user):
        return owner_only(request, TITLE)
    kind = _kind(kind)
    if email_template_reset(kind=kind):
        messages.success(request, _("Back to the default wording."))
    return redirect("backoffice:email_template", kind=kind)


@require_POST
def suppressed_clear_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Mail this address again (the person fixed their mailbox)."""
    if not is_owner(request.user):
        return owner_only(request, TITLE)
    row = get_object_or_404(SuppressedAddress, pk=pk)
    suppression_clear(address=row.address)
    messages.success(request, _("%(address)s will get mail again.") % {"address": row.address})
    return redirect("backoffice:email_settings")

"""The portal's text-message consent page: a person says yes (their number, a ticked
box) or no to texts from the business. Any signed-in person of the business."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mectofitness.core.sms import sms_is_configured

from .models_channels import SmsConsent
from .sms import sms_number_for, sms_opt_in, sms_opt_out


class TextsForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("Mobile number"),
        max_length=32,
        required=False,
        help_text=gettext_lazy("With its country code, like +44 7700 900123."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    texts = forms.BooleanField(
        label=gettext_lazy(
            "Text me session reminders and urgent notices (a failed payment, a change to "
            "a booking). Reply STOP to any text to stop them."
        ),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("texts") and not (data.get("phone") or "").strip():
            self.add_error("phone", _("Give the number to text."))
        return data


@login_required
def texts_settings(request):
    """Say yes or no to texts, with the number to use."""
    number = sms_number_for(user=request.user)
    initial = {"phone": number or getattr(request.user, "phone", ""), "texts": bool(number)}
    form = TextsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["texts"]:
                sms_opt_in(
                    user=request.user,
                    phone=form.cleaned_data["phone"],
                    how=SmsConsent.How.PORTAL,
                    by=request.user,
                )
                messages.success(request, _("We will text you at that number."))
            else:
                if sms_opt_out(user=request.user, how=SmsConsent.How.PORTAL):
                    messages.success(request, _("No more texts."))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("notifications_texts")
    context = {"form": form, "number": number, "available": sms_is_configured()}
    return render(
        request,
        "notifications/portal/texts.html",
        context,
        status=400 if form.errors else 200,
    )

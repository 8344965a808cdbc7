import re

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from .models import Lead
from .services import slug_problem

PHONE_RE = re.compile(r"^\+?[0-9 ().-]{6,32}$")


class SignupForm(forms.Form):
    name = forms.CharField(
        label=_("Business name"),
        max_length=100,
        widget=forms.TextInput(
            attrs={"autocomplete": "organization", "placeholder": "Peak Performance"}
        ),
    )
    slug = forms.CharField(
        label=_("Your address"),
        max_length=40,
        help_text=_("Lower-case letters, digits and hyphens; 3 to 40 characters."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "none",
                "spellcheck": "false",
                "pattern": "[a-z0-9][a-z0-9-]{1,38}[a-z0-9]",
                "placeholder": "peak",
            }
        ),
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not a common password."),
    )

    def clean_slug(self):
        slug = self.cleaned_data["slug"].strip()
        problem = slug_problem(slug)
        if problem:
            raise forms.ValidationError(problem)
        return slug

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            from accounts.models import User

            probe = User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password, probe)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


class LeadForm(forms.Form):
    """The public site's "talk to us" form. A plain form: a repeat e-mail is merged
    into the existing lead by the service, not refused as a duplicate."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    business_size = forms.ChoiceField(
        label=_("How many coaches?"), choices=Lead.Size.choices, initial=Lead.Size.SOLO
    )
    message = forms.CharField(
        label=_("What would you like to know? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # a field people do not see: bots fill it in
    website = forms.CharField(required=False, widget=forms.HiddenInput, label="")

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(_("Enter a phone number using digits, spaces and + ( ) -."))
        return phone

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if len(name) < 2:
            raise forms.ValidationError(_("Enter your name."))
        return name

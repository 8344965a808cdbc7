import json

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import NewAccountForm
from mectofitness.core.forms import PHONE_RE, TimezoneField
from mectofitness.core.images import image_reencode
from mectofitness.core.timezones import (
    ALIASES,
    CURRENCY_BY_COUNTRY,
    country_choices,
    country_from_language,
    currency_for_country,
    timezone_for_country,
)

from .models import Business, Lead
from .services import slug_problem

CURRENCIES = ["USD", "EUR", "GBP", "AUD", "CAD", "NZD", "CHF", "SEK", "NOK", "DKK"]


class SignupForm(NewAccountForm):
    """A new business and its owner. Country, time zone and currency start from the
    browser's language (Accept-Language) here, and from its time zone in
    static/js/signup.js; the person can change each."""

    field_order = [
        "name",
        "slug",
        "country",
        "timezone",
        "currency",
        "first_name",
        "last_name",
        "email",
        "password",
    ]

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
                # browsers compile this with the v flag: "-" in a class must be escaped
                "pattern": r"[a-z0-9][a-z0-9\-]{1,38}[a-z0-9]",
                "placeholder": "peak",
            }
        ),
    )
    # Not required: they arrive filled in, and one left empty is derived (the time
    # zone and currency from the country, else UTC and USD); all change in settings.
    country = forms.ChoiceField(
        label=_("Country"),
        required=False,
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )
    timezone = TimezoneField(label=_("Time zone"), required=False)
    currency = forms.ChoiceField(
        label=_("Currency"),
        required=False,
        help_text=_("What your clients pay in."),
        choices=[(c, c) for c in CURRENCIES],
    )
    email = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def __init__(self, *args, accept_language: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Choose your country")), *country_choices()]
        country = country_from_language(accept_language)
        self.fields["country"].initial = country
        self.fields["timezone"].initial = timezone_for_country(country) if country else "UTC"
        self.fields["currency"].initial = currency_for_country(country, offered=CURRENCIES)
        # for signup.js: the current names of zones browsers report by old names,
        # and the currency that goes with each country
        self.fields["timezone"].widget.attrs["data-aliases"] = json.dumps(
            ALIASES, separators=(",", ":")
        )
        self.fields["currency"].widget.attrs["data-currency-by-country"] = json.dumps(
            {code: cur for code, cur in CURRENCY_BY_COUNTRY.items() if cur in CURRENCIES},
            separators=(",", ":"),
        )

    def clean_timezone(self):
        zone = self.cleaned_data.get("timezone")
        return zone or timezone_for_country(self.cleaned_data.get("country"))

    def clean_currency(self):
        return self.cleaned_data.get("currency") or currency_for_country(
            self.cleaned_data.get("country"), offered=CURRENCIES
        )

    def clean_slug(self):
        slug = self.cleaned_data["slug"].strip()
        problem = slug_problem(slug)
        if problem:
            raise forms.ValidationError(problem)
        return slug


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


LOGO_MAX_BYTES = 2 * 1024 * 1024


def contrast_with_white(hex_colour: str) -> float:
    """WCAG contrast ratio of white text on ``hex_colour`` (#rrggbb)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


class BusinessSettingsForm(forms.ModelForm):
    """What an owner sets for their business: name, brand, locale, who may join."""

    country = forms.ChoiceField(label=_("Country"), required=False)
    timezone = TimezoneField(label=_("Time zone"))
    currency = forms.ChoiceField(label=_("Currency"), choices=[(c, c) for c in CURRENCIES])
    logo_upload = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG or WebP, up to 2 MB. Shown at the top of every page."),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    class Meta:
        model = Business
        fields = [
            "name",
            "primary_color",
            "accent_color",
            "country",
            "timezone",
            "currency",
            "units",
            "client_signup_open",
            "staff_mfa_required",
        ]
        widgets = {
            "name": forms.TextInput(attrs={"class": "vTextField"}),
            "primary_color": forms.TextInput(attrs={"type": "color"}),
            "accent_color": forms.TextInput(attrs={"type": "color"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *country_choices()]
        self.fields["timezone"].widget.attrs["class"] = "vTextField"

    def clean_primary_color(self):
        colour = self.cleaned_data["primary_color"]
        if len(colour) == 7 and contrast_with_white(colour) < 3:
            raise forms.ValidationError(
                _("White text is hard to read on this colour. Choose a darker one.")
            )
        return colour.lower()

    def clean_logo_upload(self):
        upload = self.cleaned_data.get("logo_upload")
        if not upload:
            return None
        if upload.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(_("The logo is larger than 2 MB."))

        try:
            return image_reencode(upload, max_side=512, fmt="PNG")
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class SigninFinderForm(forms.Form):
    """The public site's "where do I sign in?": an address to mail the links to."""

    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )

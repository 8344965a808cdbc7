from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from mectofitness.core.forms import PHONE_RE, TimezoneField
from mectofitness.core.images import image_reencode

from .models import User

PHOTO_MAX_BYTES = 5 * 1024 * 1024


class NewAccountForm(forms.Form):
    """A person's name and a new password, checked by Django's password validators
    (which compare it with the name and e-mail)."""

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
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not a common password."),
    )

    def account_email(self) -> str:
        return self.cleaned_data.get("email", "")

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            probe = User(
                email=self.account_email(),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password, probe)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


class InvitationAcceptForm(NewAccountForm):
    def __init__(self, *args, invitation, **kwargs):
        self.invitation = invitation
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Choose a password")

    def account_email(self) -> str:
        return self.invitation.email


class ProfileForm(forms.ModelForm):
    """What a person changes about themselves in the portal."""

    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("JPEG, PNG or WebP, up to 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    timezone = TimezoneField(label=_("Time zone"), required=False)

    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone", "timezone", "units"]
        labels = {"units": _("Units")}

    def __init__(self, *args, business_timezone: str = "UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].widget.attrs["placeholder"] = business_timezone
        self.fields["timezone"].help_text = _(
            "Type a city or country and pick from the list. "
            "Empty: the business's time zone (%(tz)s)."
        ) % {"tz": business_timezone}
        self.fields["units"].choices = [("", _("The business's units"))] + [
            c for c in self.fields["units"].choices if c[0]
        ]
        self.fields["units"].help_text = ""  # the empty choice says it
        self.fields["first_name"].required = True

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(_("Enter a phone number using digits, spaces and + ( ) -."))
        return phone

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        if upload.size > PHOTO_MAX_BYTES:
            raise forms.ValidationError(_("The photo is larger than 5 MB."))
        try:
            return image_reencode(upload, max_side=512, fmt="JPEG")
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

"""Forms of the import, export and erasure pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .services.csv_format import MAX_IMPORT_BYTES


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 CSV, separated by commas or semicolons, up to 5 MB and 10,000 clients."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 5 MB. Split it and import each part.")
            )
        return upload


class ImportApplyForm(forms.Form):
    """Apply the previewed file: the token must be the one this session previewed."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=200)


class EraseConfirmForm(forms.Form):
    confirm_name = forms.CharField(
        label=_("Type the client's full name to confirm"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

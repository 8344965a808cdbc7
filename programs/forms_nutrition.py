"""Forms for nutrition pages: the client panel's "Set targets" and the grams of a food
in the meal-plan builder."""

from django import forms
from django.utils.translation import gettext_lazy

from .form_fields import NumberField


class TargetForm(forms.Form):
    calories = forms.IntegerField(
        label=gettext_lazy("Calories (kcal)"), min_value=0, max_value=100000
    )
    protein_g = forms.IntegerField(label=gettext_lazy("Protein (g)"), min_value=0, max_value=100000)
    carbs_g = forms.IntegerField(label=gettext_lazy("Carbs (g)"), min_value=0, max_value=100000)
    fat_g = forms.IntegerField(label=gettext_lazy("Fat (g)"), min_value=0, max_value=100000)
    starts_on = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class GramsForm(forms.Form):
    """The grams of a food in a meal (the service checks the range)."""

    grams = NumberField(required=False)

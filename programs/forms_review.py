"""Forms of the coach's workout review page in the back office."""

from django import forms
from django.utils.translation import gettext_lazy

from .services.comments import MAX_COMMENT


class WorkoutCommentForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Your comment"),
        required=False,
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "The client sees it with this workout in their portal and gets one e-mail."
        ),
    )

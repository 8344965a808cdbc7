"""Choosing clients in a back-office form, however many the business has.

A business of a few dozen clients picks from a list; one of ten thousand cannot (a page
of 9,000 options weighed 450 KB and took 1.3 s to draw). These widgets list every client
while there are at most ``CLIENT_PICKER_FEW`` (200), and otherwise only the chosen ones,
with a search box beside them (``static/js/client-picker.js``) that finds clients as you
type through the header's quick find (``backoffice:clients_client_find``). The field's
queryset still decides what may be chosen: a client found by the search but not in it is
refused by the form as before.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.forms.models import ModelChoiceIterator
from django.urls import reverse


class _Picker:
    @property
    def few(self) -> int:
        """Clients a list still shows in full (``CLIENT_PICKER_FEW``)."""
        return settings.CLIENT_PICKER_FEW

    def _fetch(self) -> list | None:
        """The first ``few + 1`` clients (one query, remembered), or None when the
        choices are not a queryset's."""
        if not hasattr(self, "_rows"):
            queryset = getattr(self.choices, "queryset", None)
            self._rows = None if queryset is None else list(queryset[: self.few + 1])
        return self._rows

    def _many(self) -> bool:
        rows = self._fetch()
        return rows is not None and len(rows) > self.few

    @property
    def picker_url(self) -> str:
        """Where the search box asks, or "" while the list shows everyone."""
        return reverse("admin:clients_client_find") + "?active=1" if self._many() else ""

    def optgroups(self, name, value, attrs=None):
        rows = self._fetch()
        everyone = self.choices
        if rows is None or not isinstance(everyone, ModelChoiceIterator):
            return super().optgroups(name, value, attrs)
        if self._many():  # the chosen alone
            chosen = [v for v in value if str(v).isdigit()]
            rows = list(everyone.queryset.filter(pk__in=chosen)) if chosen else []
        empty = everyone.field.empty_label
        self.choices = [*([("", empty)] if empty is not None else []), *map(everyone.choice, rows)]
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = everyone

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.picker_url:
            context["widget"]["attrs"]["data-client-picker"] = self.picker_url
        return context

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.__dict__.pop("_rows", None)  # each form asks its own queryset
        return result


class ClientSelect(_Picker, forms.Select):
    """One client: a ``<select>``, of the chosen client alone when there are many."""


class ClientCheckboxes(_Picker, forms.CheckboxSelectMultiple):
    """Several clients: a checkbox each, of the chosen ones alone when there are many
    (the template puts the search box before them: ``widget.picker_url``)."""

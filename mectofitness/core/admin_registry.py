"""The back office's lists and forms, collected where every app can reach them.

The back-office site (``backoffice.site``) sits above every app, so an app never
imports it. An app's admin module registers its ModelAdmins here instead::

    from mectofitness.core.admin_registry import register_in_backoffice

    register_in_backoffice(Client, ClientAdmin)

and the back office takes them in once Django is ready (``backoffice.apps``).
"""

from django.contrib.admin import ModelAdmin
from django.db.models import Model

_registered: dict[type[Model], type[ModelAdmin]] = {}


def register_in_backoffice(model: type[Model], admin_class: type[ModelAdmin]) -> None:
    if model in _registered:
        raise ValueError(f"{model.__name__} is already registered in the back office")
    _registered[model] = admin_class


def registered() -> list[tuple[type[Model], type[ModelAdmin]]]:
    return list(_registered.items())

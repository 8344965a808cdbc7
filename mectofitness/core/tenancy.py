"""Which installed apps live in each business's schema."""

import functools

from django.apps import apps
from django.conf import settings


@functools.cache
def tenant_app_labels() -> frozenset[str]:
    """The labels of the apps whose tables every business schema holds
    (``settings.TENANT_APPS`` that are installed); asked once the app registry is ready."""
    return frozenset(
        apps.get_app_config(name.rsplit(".", 1)[-1]).label
        for name in settings.TENANT_APPS
        if apps.is_installed(name)
    )

"""Every write of the API goes through a service.

A DRF view that creates, updates or deletes through DRF's mixins must say how:
its own ``perform_create``/``perform_update``/``perform_destroy`` (or the action
itself, or a serializer whose ``create``/``update`` call a service). DRF's
defaults call ``serializer.save()`` or ``instance.delete()``, which write the
model directly, past the rules and the transaction a service keeps.
"""

import pytest
from rest_framework import mixins
from rest_framework.serializers import ModelSerializer

import mectofitness.urls_api

WRITES = [
    (mixins.CreateModelMixin, "perform_create", "create"),
    (mixins.UpdateModelMixin, "perform_update", "update"),
    (mixins.DestroyModelMixin, "perform_destroy", "destroy"),
]


def _views(patterns, found=None):
    found = {} if found is None else found
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            _views(pattern.url_patterns, found)
        elif getattr(pattern.callback, "cls", None) is not None:
            found[pattern.callback.cls.__qualname__] = pattern.callback.cls
    return found


def _serializer_saves_through_a_service(view, method: str) -> bool:
    serializer = getattr(view, "serializer_class", None)
    if serializer is None or not issubclass(serializer, ModelSerializer):
        return False
    own = {"create": "create", "update": "update"}.get(method)
    return own is not None and getattr(serializer, own) is not getattr(ModelSerializer, own)


VIEWS = _views(mectofitness.urls_api.urlpatterns)


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_api_writes_go_through_a_service(name):
    view = VIEWS[name]
    allowed = {m.lower() for m in getattr(view, "http_method_names", [])}
    missing = []
    for mixin, hook, method in WRITES:
        if not issubclass(view, mixin):
            continue
        if method == "create" and "post" not in allowed:
            continue
        if method == "update" and not {"put", "patch"} & allowed:
            continue
        if method == "destroy" and "delete" not in allowed:
            continue
        overridden = any(
            getattr(view, attr) is not getattr(mixin, attr)
            for attr in (hook, method, "partial_update" if method == "update" else method)
            if hasattr(mixin, attr)
        )
        if not overridden and not _serializer_saves_through_a_service(view, method):
            missing.append(hook)
    assert not missing, f"{name} writes directly: give it {', '.join(missing)} calling a service"


def test_the_api_has_views_to_check():
    assert len(VIEWS) > 20

"""Every write of the back office and the platform's admin goes through a service.

Each of our ModelAdmins (the back office's, and the platform admin's own; the
libraries' admins on the platform site, dj-stripe's and celery-beat's, are
theirs) whose own add or change form is in use must save through a service
(``save_model`` of its own, and ``save_formset`` or ``save_related`` when it has
inlines); one whose delete page or "delete selected" action is in use must
delete through a service (``delete_model`` and ``delete_queryset``). Django's own
saves write the model directly, past the rules, the transaction and the audit a
service keeps. A form whose address a back-office page serves instead (the
builder at a program's change address) is not in use; read-only lists pass.
"""

from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.test import RequestFactory
from django.urls import NoReverseMatch, resolve, reverse

from backoffice.site import backoffice_site

OURS = {
    "accounts",
    "tenants",
    "clients",
    "programs",
    "billing",
    "scheduling",
    "backoffice",
    "mectofitness",
}
URLCONF = {backoffice_site: "mectofitness.urls_tenant", admin.site: "mectofitness.urls_public"}


def _superuser_request():
    """A request whose user may do anything: what the admin itself would allow."""
    user = SimpleNamespace(
        is_active=True,
        is_staff=True,
        is_superuser=True,
        is_authenticated=True,
        pk=0,
        has_perm=lambda perm, obj=None: True,
        has_perms=lambda perms, obj=None: True,
        has_module_perms=lambda label: True,
        groups=SimpleNamespace(filter=lambda **kw: SimpleNamespace(exists=lambda: False)),
    )
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _admins():
    for site in (backoffice_site, admin.site):
        for model, model_admin in site._registry.items():
            if site is admin.site and type(model_admin).__module__.split(".")[0] not in OURS:
                continue
            yield pytest.param(site, model, model_admin, id=f"{site.name}:{model._meta.label}")


def _own(model_admin, name: str) -> bool:
    return getattr(type(model_admin), name) is not getattr(ModelAdmin, name)


def _served_by(site, model_admin, view: str, *args) -> bool:
    """Whether the list's own ``view`` (add, change, delete, changelist) answers at its
    address, rather than a back-office page mounted there or nothing at all."""
    opts = model_admin.model._meta
    try:
        path = reverse(
            f"{site.name}:{opts.app_label}_{opts.model_name}_{view}",
            args=args,
            urlconf=URLCONF[site],
        )
    except NoReverseMatch:
        return False
    return getattr(resolve(path, urlconf=URLCONF[site]).func, "model_admin", None) is model_admin


@pytest.mark.parametrize(("site", "model", "model_admin"), list(_admins()))
def test_admin_writes_go_through_a_service(site, model, model_admin):
    request = _superuser_request()
    saves = (model_admin.has_add_permission(request) and _served_by(site, model_admin, "add")) or (
        model_admin.has_change_permission(request) and _served_by(site, model_admin, "change", 1)
    )
    if model_admin.list_editable and _served_by(site, model_admin, "changelist"):
        saves = saves or model_admin.has_change_permission(request)
    deletes = model_admin.has_delete_permission(request) and (
        _served_by(site, model_admin, "delete", 1)
        or (
            _served_by(site, model_admin, "changelist")
            and "delete_selected" in model_admin.get_actions(request)
        )
    )
    missing = []
    if saves:
        missing += [name for name in ("save_model",) if not _own(model_admin, name)]
        if model_admin.inlines and not _own(model_admin, "save_related"):
            missing += [name for name in ("save_formset",) if not _own(model_admin, name)]
    if deletes:
        missing += [
            name for name in ("delete_model", "delete_queryset") if not _own(model_admin, name)
        ]
    assert not missing, (
        f"{type(model_admin).__name__} writes {model._meta.label} directly: "
        f"give it {', '.join(missing)} calling a service, or make it read-only"
    )


def test_the_check_sees_a_list_that_saves_by_itself():
    """The check can fail: a plain list with its own forms is caught."""

    class Careless(ModelAdmin):
        pass

    from accounts.models import Invitation

    careless = Careless(Invitation, backoffice_site)
    assert not _own(careless, "save_model") and not _own(careless, "delete_queryset")
    registered = backoffice_site._registry[Invitation]
    assert _served_by(backoffice_site, registered, "add")

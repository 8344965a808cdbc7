"""Deleting rows in the schema at hand.

Django's collector follows every relation to a model; under django-tenants some of those
tables exist in one kind of schema only. A person's row in the public schema (platform
staff) is pointed at by tables that live only in the business schemas (a client's
coaches, a note's author), and following one from the public schema fails with
"relation ... does not exist": the platform admin's delete page answered a server error.
The other way round, a business's person is pointed at by public tables that hold public
people, not theirs. These collectors follow a relation only where its table is in the
current schema (the public schema holds the shared apps, a business schema its apps)."""

from django.conf import settings
from django.contrib.admin.utils import NestedObjects, quote
from django.db import connection, router
from django.db.models import Model, QuerySet
from django.db.models.deletion import Collector
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django_tenants.routers import TenantSyncRouter
from django_tenants.utils import get_public_schema_name


def table_here(model: type[Model]) -> bool:
    """Whether ``model``'s table is in the schema the connection is set to."""
    public = connection.schema_name == get_public_schema_name()
    apps = settings.SHARED_APPS if public else settings.TENANT_APPS
    return TenantSyncRouter().app_in_list(model._meta.app_label, apps)


class _HereOnly:
    """Follows a relation only when its table is in the current schema."""

    def can_fast_delete(self, objs, from_field=None):
        model = objs._meta.model if hasattr(objs, "_meta") else getattr(objs, "model", None)
        if model is not None and not table_here(model):
            return False  # then related_objects() below finds nothing to delete
        return super().can_fast_delete(objs, from_field=from_field)

    def related_objects(self, related_model, related_fields, objs):
        found = super().related_objects(related_model, related_fields, objs)
        return found if table_here(related_model) else found.none()


class HereCollector(_HereOnly, Collector):
    pass


class HereNestedObjects(_HereOnly, NestedObjects):
    pass


def delete_here(queryset: QuerySet) -> tuple[int, dict[str, int]]:
    """``queryset.delete()``, following relations in the current schema only."""
    collector = HereCollector(using=queryset.db, origin=queryset)
    collector.collect(queryset)
    return collector.delete()


def deleted_objects(objs, request, admin_site) -> tuple[list, dict, set, list]:
    """What the admin's delete page lists: ``django.contrib.admin.utils.
    get_deleted_objects`` (Django 5.2) with the collector above; a ModelAdmin returns it
    from ``get_deleted_objects``."""
    try:
        first = objs[0]
    except IndexError:
        return [], {}, set(), []
    collector = HereNestedObjects(using=router.db_for_write(first._meta.model), origin=objs)
    collector.collect(objs)
    perms_needed = set()

    def format_callback(obj):
        opts = obj._meta
        no_edit_link = f"{capfirst(opts.verbose_name)}: {obj}"
        if not admin_site.is_registered(obj.__class__):
            return no_edit_link
        if not admin_site.get_model_admin(obj.__class__).has_delete_permission(request, obj):
            perms_needed.add(opts.verbose_name)
        try:
            url = reverse(
                f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                args=(quote(obj.pk),),
            )
        except NoReverseMatch:
            return no_edit_link
        return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)

    to_delete = collector.nested(format_callback)
    protected = [format_callback(obj) for obj in collector.protected]
    model_count = {
        model._meta.verbose_name_plural: len(found) for model, found in collector.model_objs.items()
    }
    return to_delete, model_count, perms_needed, protected

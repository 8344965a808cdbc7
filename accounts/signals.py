from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from .roles import CLIENT, COACH, OWNER, ROLE_PERMISSIONS


@receiver(post_migrate)
def roles_create(sender, using, **kwargs):
    """Every business schema has the three role groups (the template carries them).

    Runs after the last app's post_migrate, when every app's permissions exist."""

    last = [config for config in global_apps.get_app_configs() if config.models_module][-1]
    if sender is not last or connection.schema_name == "public":
        return

    labels = {perm.split(".")[0] for perms in ROLE_PERMISSIONS.values() for perm in perms}
    # this handler runs before auth's for the last app (accounts is installed first)
    for label in labels:
        create_permissions(global_apps.get_app_config(label), verbosity=0, using=using)
    found = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.using(using)
        .filter(content_type__app_label__in=labels)
        .values_list("pk", "content_type__app_label", "codename")
    }
    for name in (OWNER, COACH, CLIENT):
        missing = [perm for perm in ROLE_PERMISSIONS[name] if perm not in found]
        if missing:
            raise Permission.DoesNotExist(f"role {name!r} names unknown permissions {missing}")
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set([found[perm] for perm in ROLE_PERMISSIONS[name]])

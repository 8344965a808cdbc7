from django.db import connection
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from .roles import CLIENT, COACH, OWNER

# what each role may do in the back office (owners are superusers of their schema)
ROLE_PERMISSIONS = {
    OWNER: [],
    COACH: ["accounts.view_invitation", "accounts.add_invitation"],
    CLIENT: [],
}


@receiver(post_migrate)
def roles_create(sender, using, **kwargs):
    """Every business schema has the three role groups (the template carries them)."""
    if sender.label != "accounts" or connection.schema_name == "public":
        return
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    # this receiver may run before auth's own for this app: make sure they exist
    create_permissions(sender, verbosity=0, using=using, apps=kwargs.get("apps"))
    for name in (OWNER, COACH, CLIENT):
        group, _ = Group.objects.using(using).get_or_create(name=name)
        wanted = ROLE_PERMISSIONS[name]
        permissions = [
            Permission.objects.using(using).get(
                content_type__app_label=perm.split(".")[0], codename=perm.split(".")[1]
            )
            for perm in wanted
        ]
        group.permissions.set(permissions)

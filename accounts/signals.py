from django.db import connection
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from .roles import ROLES


@receiver(post_migrate)
def roles_create(sender, using, **kwargs):
    """Every business schema has the three role groups (the template carries them)."""
    if sender.label != "accounts" or connection.schema_name == "public":
        return
    from django.contrib.auth.models import Group

    for name in ROLES:
        Group.objects.using(using).get_or_create(name=name)

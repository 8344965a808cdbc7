from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Business, Domain
from .routing import host_cache


@receiver([post_save, post_delete], sender=Business)
@receiver([post_save, post_delete], sender=Domain)
def routing_invalidate(created=False, **kwargs):
    """A business or domain changed: forget cached routes here now, everywhere on commit.

    A new row changes no cached route (unknown hosts are never cached).
    """
    if not created:
        host_cache.publish_on_commit()

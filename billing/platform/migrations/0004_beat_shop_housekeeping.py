"""Beat runs the shop's housekeeping hourly: packs past their expiry become expired,
purchases left pending by an abandoned Checkout are cancelled. One periodic task
in the public schema fans out to the businesses
(billing.tasks.purchases_housekeep_fanout_task)."""

from django.db import migrations

NAME = "Shop housekeeping (all businesses)"
TASK = "billing.tasks.purchases_housekeep_fanout_task"


def add(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_hour, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    PeriodicTask.objects.update_or_create(
        name=NAME, defaults={"task": TASK, "interval": every_hour, "enabled": True}
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("platform_billing", "0003_beat_billing"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(add, remove)]

"""Beat runs the platform's billing clock hourly, in the public schema: trial
reminders, trial ends, and the end of a past-due grace period. Business
statuses live in the public schema, so no fan-out into business schemas."""

from django.db import migrations

NAME = "Platform billing clock"
TASK = "billing.platform.tasks.billing_clock_task"


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
        ("platform_billing", "0002_seed_plans"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(add, remove)]

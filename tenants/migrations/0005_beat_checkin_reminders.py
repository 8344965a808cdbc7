"""Beat asks every open business, once an hour, whose check-in became due today.

One periodic task in the public schema fans out to the businesses
(clients.tasks.checkins.checkin_reminders_fanout_task); each business sends
at most once a day."""

from django.db import migrations

NAME = "Check-in reminders (all businesses)"
TASK = "clients.tasks.checkins.checkin_reminders_fanout_task"


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
        ("tenants", "0004_pg_trgm"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(add, remove)]

"""Beat sends scheduled announcements: every 5 minutes one periodic task in the public
schema fans out to the businesses (messaging.tasks_announcements
.announcements_due_fanout_task), and each sends the announcements whose time has come
(each client at most once: messaging/announcements.py). An announcement's own countdown
task usually gets there first; this sweep catches one lost with a worker."""

from django.db import migrations

NAME = "Scheduled announcements (all businesses)"
TASK = "messaging.tasks_announcements.announcements_due_fanout_task"


def add(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_5_minutes, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=NAME, defaults={"task": TASK, "interval": every_5_minutes, "enabled": True}
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(add, remove)]

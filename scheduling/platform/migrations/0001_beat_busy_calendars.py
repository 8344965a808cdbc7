"""Beat reads the coaches' own calendars: every 15 minutes one periodic task in the
public schema fans out to the businesses (scheduling.tasks.busy_calendars_poll_fanout_task),
and each business queues a read of every calendar not read in the last 15 minutes."""

from django.db import migrations

NAME = "Coaches' own calendars (all businesses)"
TASK = "scheduling.tasks.busy_calendars_poll_fanout_task"


def add(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_quarter, _ = IntervalSchedule.objects.get_or_create(every=15, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=NAME, defaults={"task": TASK, "interval": every_quarter, "enabled": True}
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(add, remove)]

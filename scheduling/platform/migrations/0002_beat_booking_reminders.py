"""Beat sends the reminders of booked sessions: every 5 minutes one periodic task in
the public schema fans out to the businesses
(scheduling.tasks_notices.booking_reminders_fanout_task), and each business sends the
reminders that came due (each at most once: scheduling/services/reminders.py)."""

from django.db import migrations

NAME = "Session reminders (all businesses)"
TASK = "scheduling.tasks_notices.booking_reminders_fanout_task"


def add(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_five, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=NAME, defaults={"task": TASK, "interval": every_five, "enabled": True}
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("platform_scheduling", "0001_beat_busy_calendars"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(add, remove)]

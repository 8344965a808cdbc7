"""Beat e-mails unread messages: every minute one periodic task in the public schema
fans out to the businesses (notifications.tasks_channels.unread_message_emails_fanout_task),
and each business e-mails the messages unread for longer than its delay (each at most
once: notifications/email.py)."""

from django.db import migrations

NAME = "Unread messages by e-mail (all businesses)"
TASK = "notifications.tasks_channels.unread_message_emails_fanout_task"


def add(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=NAME, defaults={"task": TASK, "interval": every_minute, "enabled": True}
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(add, remove)]

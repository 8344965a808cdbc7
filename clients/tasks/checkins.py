"""Worker tasks: checkins.

Beat runs ``checkin_reminders_fanout_task`` once an hour in the public schema
(see the periodic tasks in the platform admin); it queues one
``checkin_reminders_send_task`` per business, with the business's schema in the
task headers. Each business sends its reminders once a day, in the first run
after local midnight (a cache key per business and day keeps it to one).
"""

from django.core.cache import cache

from mectofitness.celery import app
from mectofitness.core.tasks import fan_out

from ..selectors_intake import business_today
from ..services.checkins import checkin_reminders_send, checkin_reply_notify

__all__ = [
    "checkin_reminders_fanout_task",
    "checkin_reminders_send_task",
    "checkin_reply_notify_task",
]


@app.task
def checkin_reminders_send_task() -> int:
    """In one business: e-mail clients whose check-in became due today (once a day)."""
    today = business_today()
    # django-tenants' cache key function adds the schema: one key per business
    if not cache.add(f"checkin-reminders:{today.isoformat()}", 1, 60 * 60 * 26):
        return 0
    return checkin_reminders_send(on=today)


@app.task
def checkin_reminders_fanout_task() -> int:
    """In the public schema: queue the reminders of every open business."""
    return fan_out(checkin_reminders_send_task)


@app.task
def checkin_reply_notify_task(*, response_id: int) -> bool:
    """E-mail the client that their coach replied to a check-in (at most once)."""
    return checkin_reply_notify(response_id=response_id)

"""Queueing tasks from inside a business's transaction."""

from celery import Task, current_app
from django.db import connection, transaction
from django_tenants.utils import get_tenant_model


def enqueue_on_commit(task: Task | str, **kwargs) -> None:
    """Queue ``task(**kwargs)`` once the current transaction commits, in *this* schema.

    ``task`` is the task or its registered name (``"clients.tasks.photos.
    progress_photo_thumbnail_task"``): a service names the task it queues, so it
    need not import the task module, which imports the service.

    tenant-schemas-celery reads the schema from the connection when the task is
    sent; an on_commit callback runs after ``tenant_context`` has been left, so
    the schema is captured here and passed in the task's headers explicitly.
    """
    schema_name = connection.schema_name

    def send():
        # by name: the app's registry (eager in tests, like the task object itself)
        found = task_named(task) if isinstance(task, str) else task
        found.apply_async(kwargs=kwargs, headers={"_schema_name": schema_name})

    transaction.on_commit(send)


def task_named(name: str) -> Task:
    """The registered task called ``name``. A web process has not imported every
    app's tasks module (the worker does, at start): the first miss asks Celery's
    loader to import them, which runs ``app.autodiscover_tasks()``."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def fan_out(task) -> int:
    """In the public schema: queue ``task`` once for every open business, with the
    business's schema in the task headers (beat's one periodic task per job). Returns
    how many were queued."""
    Business = get_tenant_model()  # the business model, named in settings: tenants is above core
    connection.set_schema_to_public()
    queued = 0
    for schema_name in (
        Business.objects.exclude(status__in=list(Business.LOCKED_STATUSES))
        .exclude(schema_name="public")
        .values_list("schema_name", flat=True)
    ):
        task.apply_async(headers={"_schema_name": schema_name})
        queued += 1
    return queued

"""Queueing tasks from inside a business's transaction."""

from django.db import connection, transaction


def enqueue_on_commit(task, **kwargs) -> None:
    """Queue ``task(**kwargs)`` once the current transaction commits, in *this* schema.

    tenant-schemas-celery reads the schema from the connection when the task is
    sent; an on_commit callback runs after ``tenant_context`` has been left, so
    the schema is captured here and passed in the task's headers explicitly.
    """
    schema_name = connection.schema_name
    transaction.on_commit(
        lambda: task.apply_async(kwargs=kwargs, headers={"_schema_name": schema_name})
    )

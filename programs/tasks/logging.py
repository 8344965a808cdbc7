"""Celery tasks: workout logging (none yet: a sync stores and detects records in the
request, so the phone can celebrate at once)."""

__all__: list[str] = []

"""Services queue tasks by name (mectofitness.core.tasks): the name must find its task
even in a process that never imported the task's module."""

import sys

import pytest
from celery import current_app

from mectofitness.core.tasks import task_named

# Celery's loader reads the beat schedule's tables while importing the task modules
pytestmark = pytest.mark.django_db

NAME = "clients.tasks.photos.progress_photo_thumbnail_task"


def test_a_task_whose_module_was_never_imported_is_found_by_name(monkeypatch):
    current_app.tasks.pop(NAME, None)
    monkeypatch.delitem(sys.modules, "clients.tasks.photos", raising=False)
    monkeypatch.delitem(sys.modules, "clients.tasks", raising=False)
    assert NAME not in current_app.tasks

    task = task_named(NAME)

    assert task.name == NAME
    assert "clients.tasks.photos" in sys.modules


def test_an_unknown_name_is_an_error_not_a_silent_skip():
    with pytest.raises(KeyError):
        task_named("clients.tasks.photos.no_such_task")

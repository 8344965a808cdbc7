"""mectofitness.core.heap: a web process freezes its long-lived heap once the application
is loaded and again as its lazy parts fill, so the collector's full passes walk only
what the current requests made (see the module for the figures)."""

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.signals import request_finished

from mectofitness.core import heap


@pytest.fixture
def unfrozen():
    """The test process's heap as it was: unfrozen again afterwards."""
    yield
    gc.unfreeze()


class Held:
    """A tracked object to look for in the collector's generations."""


def test_a_freeze_takes_what_is_alive_out_of_the_collectors_passes(unfrozen):
    held = Held()
    frozen = heap.heap_freeze()

    assert frozen == gc.get_freeze_count() > 0
    assert not any(o is held for o in gc.get_objects())  # no generation holds it now
    assert held is not None


def test_the_heap_is_frozen_again_after_the_first_50th_and_500th_request(monkeypatch):
    frozen_at = []
    counter = heap._RequestCounter()
    monkeypatch.setattr(heap, "heap_freeze", lambda: frozen_at.append(counter.served))
    request_finished.connect(counter, dispatch_uid="test-heap-counter")
    try:
        for _ in range(600):
            request_finished.send(sender=None)
    finally:
        request_finished.disconnect(dispatch_uid="test-heap-counter")

    assert frozen_at == [1, 50, 500]


@pytest.mark.parametrize("entry", ["mectofitness.wsgi", "mectofitness.asgi"])
def test_the_web_process_freezes_once_the_application_is_loaded(entry):
    root = Path(__file__).resolve().parents[2]
    found = subprocess.run(
        [sys.executable, "-c", f"import gc, {entry}; print(gc.get_freeze_count())"],
        cwd=root,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "mectofitness.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    # Django and every app loaded: hundreds of thousands of objects
    assert int(found.stdout.strip().splitlines()[-1]) > 100_000

"""A web process's long-lived heap, kept out of the garbage collector's full passes.

A page leaves cycles behind (querysets, template contexts), so Python's cyclic
collector runs often, and every so often a full pass walks every object the process
holds: Django, the apps, their URL resolvers, templates and caches. Measured with the
demo (``make bench ARGS=--pages``, gc callbacks): 51 full passes of 170–190 ms each
over one run, each landing on whichever page was being served (the tag list's p95
253 ms against a p50 of 16 ms).

``gc.freeze()`` moves what is alive into a permanent generation that no pass walks
again. The web entry points (``mectofitness/wsgi.py``, ``mectofitness/asgi.py``) freeze
once the application is loaded, and again after the 1st, 50th and 500th request, by
when the lazy parts (URL resolvers, compiled templates, content types, serializers)
have filled. Frozen objects are still freed when nothing refers to them; only a cycle
made of them would stay, and the freezes are few.
"""

from __future__ import annotations

import gc

from django.core.signals import request_finished

# requests served after which what is alive is frozen again
FREEZE_AFTER = frozenset({1, 50, 500})


def heap_freeze() -> int:
    """Collect what is garbage now, then freeze the rest; how many objects are frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


class _RequestCounter:
    def __init__(self) -> None:
        self.served = 0

    def __call__(self, **_kwargs) -> None:
        self.served += 1
        if self.served in FREEZE_AFTER:
            heap_freeze()


_counter = _RequestCounter()


def heap_freeze_as_it_warms() -> None:
    """Freeze now, and again after the requests of ``FREEZE_AFTER`` (this process's)."""
    heap_freeze()
    request_finished.connect(_counter, dispatch_uid="mectofitness.core.heap")

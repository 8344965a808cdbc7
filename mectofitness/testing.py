"""Helpers for the test suite (imported by tests, never by the app)."""

import re

from django.contrib.auth.hashers import Argon2PasswordHasher
from whitenoise.base import WhiteNoise

# a portal page's links that lead to another page of the portal (href="/…")
_HREF = re.compile(r'href="(/[^"#]*)"')
# never followed: other sites of the business, sign-in and out, files and downloads
_NOT_A_PAGE = re.compile(
    r"^/(admin|api|accounts/|media|static|branding|icons|manifest|ping|healthz)"
    r"|\.(ics|csv|json|pdf|zip|png|jpg|webmanifest)(\?|$)|/(export|download|file|avatar)"
)
_IDS = re.compile(r"[0-9a-f]{8}-[0-9a-f-]{27}|\d+")


def page_shape(path: str) -> str:
    """``path`` with its ids as N and its query's values left out: the page it is an
    instance of (``/workouts/12/`` and ``/workouts/13/`` are ``/workouts/N/``)."""
    page, _, query = path.partition("?")
    shape = _IDS.sub("N", page)
    return shape + ("?" + re.sub(r"=[^&]*", "=", query) if query else "")


def portal_pages(browser, *, depth: int = 3, limit: int = 80) -> list[str]:
    """The pages a signed-in client reaches from the portal's home page by its links,
    ``depth`` steps deep, one page of each shape (``page_shape``), in the order found.
    ``browser`` is a Django test client signed in on the business's host."""
    seen: set[str] = set()
    pages: list[str] = []
    frontier = ["/"]
    for _step in range(depth):
        found = []
        for path in frontier:
            response = browser.get(path, secure=True)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            pages.append(path)
            for href in _HREF.findall(response.content.decode()):
                href = href.replace("&amp;", "&")
                if _NOT_A_PAGE.search(href) or page_shape(href) in seen:
                    continue
                seen.add(page_shape(href))
                found.append(href)
        frontier = found
        if len(pages) >= limit:
            break
    return pages[:limit]


def cache_clear(cache=None) -> int:
    """Delete this test run's cache keys, and only those.

    Redis's own ``clear()`` is FLUSHDB, which under xdist would also wipe the
    other workers' keys (rate-limit counters mid-test): the suite's conftest
    makes ``cache.clear()`` call this instead. Keys are
    ``<schema>:<prefix>:<version>:<key>`` (django-tenants' key function), and each
    worker has its own prefix. Returns how many keys were deleted."""
    if cache is None:
        from django.core.cache import cache  # the default cache, unless given one
    prefix = cache.key_prefix
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"*:{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
    return len(keys)


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 at its cheapest, for the suite: a hash takes microseconds, not 0.2 s.

    The hashes are still Argon2 with their cost written in them, so a live site
    the tests start (production hashers) checks them all the same."""

    time_cost = 1
    memory_cost = 8
    parallelism = 1


_static_files: dict[tuple, dict] = {}


def whitenoise_scan_once() -> None:
    """WhiteNoise reads the whole static folder (a stat and a look for compressed
    variants per file, some 460 files) when its middleware is made; in a server that is
    once per process, but Django's test client loads the middleware anew for every
    client, thousands of times in a run: about 0.1 s each, 40% of some test files' time.
    Here the folder is read once per test process and each new middleware gets the same
    table of files, as a server's one middleware has. What the table holds depends on
    the folder and the WhiteNoise settings read into the middleware: the key."""
    scan = WhiteNoise.update_files_dictionary

    def update_files_dictionary(self, root, prefix):
        key = (
            type(self),
            root,
            prefix,
            self.max_age,
            self.allow_all_origins,
            self.charset,
            self.index_file,
            self.add_headers_function,
            # the middleware's own method, bound to each new one: the function is the key
            getattr(self.immutable_file_test, "__func__", self.immutable_file_test),
        )
        files = _static_files.get(key)
        if files is None:
            own, self.files = self.files, {}
            try:
                scan(self, root, prefix)
                files = _static_files[key] = self.files
            finally:
                self.files = own
        self.files.update(files)

    WhiteNoise.update_files_dictionary = update_files_dictionary

"""Helpers for the test suite (imported by tests, never by the app)."""

from django.contrib.auth.hashers import Argon2PasswordHasher
from whitenoise.base import WhiteNoise


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

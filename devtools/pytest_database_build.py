"""The early build of the test database (conftest.py ``_EarlyBuild``): pytest runs this
file alone, in a process of its own, as an xdist run starts. Asking for
``django_db_setup`` builds the kept template database the workers copy (or copies it,
when a worker took the lock first and built it). Not collected by ``make test``: its
name is not a test module's."""


def test_the_test_database_is_built(django_db_setup):
    """Nothing to assert: the fixture fails loudly if the build does."""

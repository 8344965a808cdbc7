"""Development tools: run from the checkout by the dev runner (``mectofitness/dev.py``)
and the tests, never imported by production code (settings, apps, services, views).
Not an installed app; ``mectofitness/tests/test_devtools_boundary.py`` keeps it so."""

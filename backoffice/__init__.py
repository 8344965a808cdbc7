"""The back office: the business's Django admin site, its home, navigation and pages.

It sits on top of every other app. Apps never import it: their admin modules put
their lists and forms in ``mectofitness.core.admin_registry``, and pages that are
more than a list or a form are views here (``backoffice/views/``).
"""

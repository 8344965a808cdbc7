"""The programs app in the back office, one module per concern."""

from . import assignment, builder, habits, library, logging, nutrition, records  # noqa: F401

"""Celery tasks of the programs app (autodiscovered through this package)."""

from .assignment import *  # noqa: F403
from .builder import *  # noqa: F403
from .comments import *  # noqa: F403
from .generator import *  # noqa: F403
from .habits import *  # noqa: F403
from .library import *  # noqa: F403
from .logging import *  # noqa: F403
from .nutrition import *  # noqa: F403
from .records import *  # noqa: F403

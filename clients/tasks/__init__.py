"""Celery tasks of the clients app (autodiscovered through this package)."""

from .checkins import *  # noqa: F403
from .intake import *  # noqa: F403
from .measurements import *  # noqa: F403
from .photos import *  # noqa: F403
from .transfer import *  # noqa: F403

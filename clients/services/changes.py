"""The marker of a keyword argument left out of an update: the field keeps its value.

``None`` cannot say it: for some fields (a metric's ``higher_is_better``, a client's
coach) it is a value of its own.
"""

import enum


class Keep(enum.Enum):
    KEEP = "keep"


KEEP = Keep.KEEP

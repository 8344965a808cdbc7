"""The clients app in the back office, one module per concern."""

from . import checkins, intake, measurements, photos, records, transfer  # noqa: F401

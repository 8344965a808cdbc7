"""The clients app's API, one module per concern; ``register`` adds them all."""

from . import checkins, intake, measurements, photos, records, transfer


def register(router) -> None:
    for module in (records, intake, checkins, measurements, photos, transfer):
        module.register(router)

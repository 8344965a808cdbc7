"""The programs app's API, one module per concern; ``register`` adds them all."""

from . import assignment, builder, generator, habits, library, logging, nutrition, records


def register(router) -> None:
    for module in (assignment, builder, generator, habits, library, logging, nutrition, records):
        module.register(router)

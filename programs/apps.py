from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    """Training inside a business (see ``programs.models``)."""

    name = "programs"

    def ready(self):
        # the client list shows the current program, compliance and the last workout;
        # clients cannot import programs, so programs hands it the annotations (these
        # modules import models: not before the app registry is ready)
        from clients.selectors import client_list_figures_register

        from .selectors.client_list import client_list_training  # models: see above

        client_list_figures_register(name="training", annotate=client_list_training)

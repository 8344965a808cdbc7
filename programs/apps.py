from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Programs"

    def ready(self):
        # the services queue their tasks by registered name (they do not import the task
        # modules, which import them): register the tasks in every process, the web
        # process too (eager in tests). Inside ready(): the task modules import models.
        from . import tasks  # noqa: F401

from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "backoffice"
    verbose_name = "Back office"

    def ready(self):
        # every app's admin module has run by now (django.contrib.admin's ready()
        # autodiscovers them and comes earlier in INSTALLED_APPS): take in what they
        # registered for the back office
        from .site import backoffice_site  # the site's module needs the app registry ready

        backoffice_site.register_from_registry()

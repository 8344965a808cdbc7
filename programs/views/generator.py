"""The generator page of the back office (programs.admin.generator), mounted under
/admin/ from here: programs.urls is included before the back-office site's URLs."""

from django.urls import path

from tenants.backoffice import backoffice_site

from ..admin.generator import generator_view

urlpatterns = [
    path(
        "admin/programs/generator/",
        backoffice_site.admin_view(generator_view),
        name="programs_generator",
    ),
]

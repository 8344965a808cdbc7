"""The back office: Django admin on each business's subdomain, branded with its name."""

from allauth.account.decorators import secure_admin_login
from django.contrib.admin import AdminSite


class BackOfficeSite(AdminSite):
    site_title = "Back office"
    index_title = "Back office"
    site_url = "/"

    def each_context(self, request):
        context = super().each_context(request)
        business = getattr(request, "tenant", None)
        name = getattr(business, "name", "Back office")
        context.update(site_header=name, site_title=name, business=business)
        return context

    def login(self, request, extra_context=None):
        return secure_admin_login(super().login)(request, extra_context)


backoffice_site = BackOfficeSite(name="backoffice")

"""The back office: Django admin on each business's subdomain, branded with its name."""

from allauth.account.decorators import secure_admin_login
from django.contrib.admin import AdminSite
from django.shortcuts import render


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

    def index(self, request, extra_context=None):
        """The home page: this business's figures above the usual list of sections."""
        from .selectors import backoffice_figures

        business = getattr(request, "tenant", None)
        extra = {
            "figures": backoffice_figures(),
            "trial_days_left": getattr(business, "trial_days_left", None),
        }
        return super().index(request, {**extra, **(extra_context or {})})

    def login(self, request, extra_context=None):
        """Sign-in goes through allauth (rate limits, MFA). A signed-in client is told
        plainly that this area is for staff, instead of bouncing between logins."""
        if request.user.is_authenticated and not request.user.is_staff:
            return render(request, "backoffice/staff_only.html", status=403)
        return secure_admin_login(super().login)(request, extra_context)


backoffice_site = BackOfficeSite(name="backoffice")

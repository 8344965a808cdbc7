"""The back office: Django admin on each business's subdomain, branded with its name."""

from allauth.account.decorators import secure_admin_login
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.policies import is_owner
from mectofitness.core.uploads import body_limit, file_route_limit

from .forms import LOGO_MAX_BYTES


class BackOfficeSite(AdminSite):
    site_title = "Back office"
    index_title = "Back office"
    site_url = "/"

    def each_context(self, request):
        context = super().each_context(request)
        business = getattr(request, "tenant", None)
        name = getattr(business, "name", "Back office")
        context.update(site_header=name, site_title=name, business=business)
        if request.user.is_authenticated and request.user.is_superuser:
            from django.urls import reverse

            if is_owner(request.user):
                context["settings_url"] = reverse("backoffice:business_settings")
                context["billing_url"] = reverse("backoffice:billing")
        return context

    # sections and lists named as a trainer would, not after Django's own apps
    APP_NAMES = {"auth": _lazy("Team access")}
    MODEL_NAMES = {("auth", "Group"): _lazy("Roles")}

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        for app in apps:
            app["name"] = self.APP_NAMES.get(app["app_label"], app["name"])
            for model in app["models"]:
                key = (app["app_label"], model["object_name"])
                model["name"] = self.MODEL_NAMES.get(key, model["name"])
        return apps

    def get_urls(self):
        return [
            path("settings/", self.admin_view(self.settings_view), name="business_settings"),
            path("billing/", self.admin_view(self.billing_view), name="billing"),
            *super().get_urls(),
        ]

    @body_limit(file_route_limit(LOGO_MAX_BYTES))
    def settings_view(self, request):
        """The owner's settings: name, brand, locale, sign-up and two-factor rules."""

        from .forms import BusinessSettingsForm
        from .services import business_settings_update

        if not is_owner(request.user):
            context = {**self.each_context(request), "title": _("Business settings")}
            return render(request, "backoffice/settings_owner_only.html", context, status=403)
        business = request.tenant
        form = BusinessSettingsForm(request.POST or None, request.FILES or None, instance=business)
        if request.method == "POST" and form.is_valid():
            try:
                business_settings_update(business=business, form=form)
            except ValidationError as exc:
                form.add_error(None, exc)
                business.refresh_from_db()  # the form changed it in memory: show what is saved
            else:
                messages.success(request, _("Settings saved."))
                return redirect("backoffice:business_settings")
        context = {
            **self.each_context(request),
            "title": _("Business settings"),
            "form": form,
            "business": business,
        }
        return render(
            request, "backoffice/settings.html", context, status=400 if form.errors else 200
        )

    def billing_view(self, request):
        """The owner's billing: plan, status, usage, Stripe Checkout and portal."""
        from billing.platform.views import billing_view

        return billing_view(self, request)

    def index(self, request, extra_context=None):
        """The home page: this business's figures above the usual list of sections."""
        from programs.selectors.logging import training_activity_for

        from .selectors import backoffice_figures

        business = getattr(request, "tenant", None)
        extra = {
            "figures": backoffice_figures(user=request.user),
            "activity": training_activity_for(user=request.user),
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

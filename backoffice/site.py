"""The back-office site: Django admin on each business's subdomain, branded with its name.

Lists and forms are ModelAdmins that each app registers in
``mectofitness.core.admin_registry``; pages that are more than a list or a form
are views in ``backoffice/views/``, each module giving its routes through
``urls(site)``. The site serves both, in the admin's chrome.
"""

import pkgutil
from functools import update_wrapper
from importlib import import_module

from allauth.account.decorators import secure_admin_login
from django.contrib.admin import AdminSite, helpers
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.policies import is_owner, is_staff_member
from mectofitness.core.admin_registry import registered

from . import views
from .navigation import navigation_for
from .views.today import today_context


class TrainerTitles:
    """A list and a form titled as a trainer would write them: "Clients", "New client",
    "Client" above the client's name; not Django's "Select client to change", "Add
    client", "Change client". A ModelAdmin that gives its own title keeps it."""

    def changelist_view(self, request, extra_context=None):
        title = capfirst(self.model._meta.verbose_name_plural)
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        name = self.model._meta.verbose_name
        title = capfirst(name) if object_id else _("New %(thing)s") % {"thing": name}
        return super().changeform_view(
            request, object_id, form_url, {"title": title, **(extra_context or {})}
        )


class QuickRows:
    """A list's rows drawn without a form widget each: Django renders every row's
    action checkbox through the template engine (a good part of a 50-row page's time
    on a slow machine); this is the same markup, written here."""

    def action_checkbox(self, obj):
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(_("Select this object for an action - {}"), str(obj)),
        )


class BackOfficeSite(AdminSite):
    site_title = "Back office"
    index_title = "Back office"
    site_url = "/"
    logout_template = "backoffice/logged_out.html"

    def register_from_registry(self) -> None:
        """Take in the lists and forms every app registered for the back office, each
        titled in a trainer's words (``TrainerTitles``), its rows drawn quickly
        (``QuickRows``)."""
        for model, admin_class in registered():
            if not self.is_registered(model):
                titled = type(admin_class.__name__, (TrainerTitles, QuickRows, admin_class), {})
                titled.__module__ = admin_class.__module__
                self.register(model, titled)

    def each_context(self, request):
        """The site's context, with the navigation by job (``navigation``) for staff.
        Django's list of every app and model (``available_apps``) is built only where a
        page reads it (an app's index page), not on every page."""
        script_name = request.META["SCRIPT_NAME"]
        context = {
            "site_url": script_name if self.site_url == "/" and script_name else self.site_url,
            "has_permission": self.has_permission(request),
            "available_apps": SimpleLazyObject(lambda: self.get_app_list(request)),
            "is_popup": False,
            "is_nav_sidebar_enabled": self.enable_nav_sidebar,
            "log_entries": self.get_log_entries(request),
        }
        business = getattr(request, "tenant", None)
        name = getattr(business, "name", "Back office")
        context.update(site_header=name, site_title=name, business=business)
        if is_staff_member(request.user) and context["has_permission"]:
            context["navigation"] = navigation_for(self, request)
        if request.user.is_authenticated and request.user.is_superuser and is_owner(request.user):
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
        # the pages come first: a list's catch-all "<path:object_id>/" would take theirs
        pages = []
        for info in pkgutil.iter_modules(views.__path__):
            module = import_module(f"{views.__name__}.{info.name}")
            if hasattr(module, "urls"):
                pages += module.urls(self)
        return [*pages, *super().get_urls()]

    def index(self, request, extra_context=None):
        """The home page: Today (``views.today``). Django's list of every model is read
        only by the template that shows it."""
        context = {
            **self.each_context(request),
            "title": self.index_title,
            "subtitle": None,
            "app_list": SimpleLazyObject(lambda: self.get_app_list(request)),
            **today_context(request),
            **(extra_context or {}),
        }
        request.current_app = self.name
        return TemplateResponse(request, self.index_template or "admin/index.html", context)

    def login(self, request, extra_context=None):
        """Sign-in goes through allauth (rate limits, MFA). A signed-in client is told
        plainly that this area is for staff, instead of bouncing between logins."""
        if request.user.is_authenticated and not request.user.is_staff:
            return self._staff_only(request)
        return secure_admin_login(super().login)(request, extra_context)

    def admin_view(self, view, cacheable=False):
        """Django's guard sends whoever may not enter to the sign-in page. A signed-in
        person who is not staff (a client following a link, an old bookmark) is told at
        once, at the address they opened, that the back office is for staff: before,
        they were sent to the sign-in page to be told the same (two requests, and a
        redirect a screen reader announces for nothing). Signing out keeps Django's
        way."""
        guarded = super().admin_view(view, cacheable)

        def inner(request, *args, **kwargs):
            if (
                request.user.is_authenticated
                and not self.has_permission(request)
                and request.path != reverse("admin:logout", current_app=self.name)
            ):
                return self._staff_only(request)
            return guarded(request, *args, **kwargs)

        return update_wrapper(inner, guarded)

    @staticmethod
    def _staff_only(request):
        response = render(request, "backoffice/staff_only.html", status=403)
        add_never_cache_headers(response)
        return response


backoffice_site = BackOfficeSite(name="backoffice")

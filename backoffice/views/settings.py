"""The owner's business settings: name, brand, locale, sign-up and two-factor rules."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _

from accounts.policies import is_owner
from mectofitness.core.uploads import body_limit, file_route_limit
from tenants.forms import LOGO_MAX_BYTES, BusinessSettingsForm
from tenants.services import business_settings_update

from ..chrome import owner_only, render_page


def urls(site):
    return [path("settings/", site.admin_view(settings_view), name="business_settings")]


@body_limit(file_route_limit(LOGO_MAX_BYTES))
def settings_view(request):
    if not is_owner(request.user):
        return owner_only(request, _("Business settings"))
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
    context = {"title": _("Business settings"), "form": form, "business": business}
    return render_page(
        request, "backoffice/settings.html", context, status=400 if form.errors else 200
    )

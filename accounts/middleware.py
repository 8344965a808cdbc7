from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class StaffMfaRequiredMiddleware:
    """Where the owner requires it, staff set up two-factor sign-in before the back office."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        business = getattr(request, "tenant", None)
        if (
            getattr(business, "staff_mfa_required", False)
            and request.path.startswith("/admin/")
            and request.user.is_authenticated
            and request.user.is_staff
        ):
            from allauth.mfa.adapter import get_adapter

            if not get_adapter().is_mfa_enabled(request.user):
                messages.warning(
                    request,
                    _("%(name)s asks its staff to use two-factor sign-in. Set it up to continue.")
                    % {"name": business.name},
                )
                return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .mfa import MFA_SETUP_PATHS, staff_mfa_message, staff_mfa_missing


class StaffMfaRequiredMiddleware:
    """Where the owner requires it, staff set up two-factor sign-in before anything else.

    Every door of a signed-in session is closed until they do, except the pages
    that set it up and sign-out: the back office and the portal go to the setup
    page, the API answers 403 with a message. Personal tokens are held by the
    API's token authentication, with the same rule (``accounts.mfa``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        business = getattr(request, "tenant", None)
        if not request.path.startswith(MFA_SETUP_PATHS) and staff_mfa_missing(
            user=request.user, business=business
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": staff_mfa_message(business=business)}, status=403)
            messages.warning(
                request,
                _("%(name)s asks its staff to use two-factor sign-in. Set it up to continue.")
                % {"name": business.name},
            )
            setup = reverse("mfa_activate_totp")
            if request.headers.get("HX-Request"):
                # htmx would swap the setup page into a fragment: send the whole tab
                response = HttpResponse(status=204)
                response["HX-Redirect"] = setup
                return response
            return redirect(setup)
        return self.get_response(request)

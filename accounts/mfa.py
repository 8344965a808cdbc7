"""Two-factor sign-in for staff, where the business requires it: one rule for every door.

The middleware (``accounts.middleware``) applies it to every request made with a
signed-in session, pages and API alike; the API's token authentication
(``accounts.authentication``) applies it to personal tokens.
"""

from __future__ import annotations

from allauth.mfa.adapter import get_adapter
from django.utils.translation import gettext as _

# Where a person without a second factor may still go: setting one up (allauth
# asks for the password again first, and refuses while an address is unverified),
# signing out, and the business's logo those pages show.
MFA_SETUP_PATHS = (
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
    "/accounts/email/",
    "/accounts/confirm-email/",
    "/accounts/logout/",
    "/branding/logo",
)


def staff_mfa_missing(*, user, business) -> bool:
    """True when ``business`` asks its staff for two-factor sign-in and ``user`` is
    staff who has not set it up. One query (the person's authenticators), and only
    when the business asks."""
    if not getattr(business, "staff_mfa_required", False):
        return False
    if user is None or not user.is_authenticated or not user.is_staff:
        return False

    return not get_adapter().is_mfa_enabled(user)


def staff_mfa_message(*, business) -> str:
    """What a person is told at a door they may not use yet."""
    return _(
        "%(name)s asks its staff to use two-factor sign-in. Sign in on the web and set "
        "it up at /accounts/2fa/ to continue; your API tokens work again once you have."
    ) % {"name": business.name}

"""API authentication by personal token. Imports nothing of DRF's views (DRF loads
authentication classes while importing its views)."""

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .mfa import staff_mfa_message, staff_mfa_missing
from .services import api_token_user

TOKEN_KEYWORD = b"token"


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Token mf_…``: a personal token of a user of *this* business.

    Tokens are looked up by hash in the schema the host selected, so a token
    of one business means nothing at another.
    """

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != TOKEN_KEYWORD:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send the header as: Authorization: Token <key>.")
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        user = api_token_user(key=key)
        if user is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        business = getattr(request, "tenant", None)
        if staff_mfa_missing(user=user, business=business):
            # the token stays: it works again once its owner sets up two-factor sign-in
            raise exceptions.PermissionDenied(staff_mfa_message(business=business))
        return user, None

    def authenticate_header(self, request):
        return "Token"

"""Response headers every door sends (public site, portal, back office, API)."""

from csp.middleware import CSPMiddleware
from django.conf import settings


class SecurityHeadersMiddleware(CSPMiddleware):
    """django-csp's Content-Security-Policy (with the request's nonce), plus the
    Permissions-Policy header, which neither Django 5.2 nor django-csp sends.

    Django's SecurityMiddleware adds HSTS, nosniff, Referrer-Policy and
    Cross-Origin-Opener-Policy; XFrameOptionsMiddleware adds X-Frame-Options.
    """

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

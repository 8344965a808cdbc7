"""Route each request to the public site or to one business, by its host alone."""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.shortcuts import render
from django.urls import Resolver404, resolve, set_urlconf
from django_tenants.postgresql_backend.base import FakeTenant

from .models import Business, Domain
from .routing import host_cache

PUBLIC = FakeTenant(schema_name="public")


def business_for_host(host: str) -> Business | None:
    """One query: the business a host belongs to, or None. Reads the public schema."""
    domain = (
        Domain.objects.select_related("tenant").filter(domain__iexact=host).only("tenant").first()
    )
    return domain.tenant if domain else None


class BusinessRoutingMiddleware:
    """django-tenants' TenantMainMiddleware, made cheap and friendly.

    - The public domain (and ``www.``) is served from the public schema without
      a database lookup.
    - Other hosts are looked up through an in-process cache invalidated over
      Redis (``tenants.routing``), so a routed request usually runs no query.
    - The connection's search path is only re-issued when the schema changes
      (``mectofitness.db``).
    - An unknown host gets a friendly 404 page; a suspended or cancelled
      business shows its people a notice instead of the app.
    """

    # What a locked business still serves, by URL name in the tenant urlconf:
    # health probes and the way for its owner to sign in and pay the platform.
    # Names, never path prefixes: /admin/billing/ is the platform's billing page,
    # /admin/billing/invoice/ is the business's own client billing, closed.
    LOCKED_ALLOWED_ROUTES = frozenset(
        {
            "tenant_ping",
            "tenant_healthz",
            # sign in and out, two-factor sign-in, a forgotten password
            "account_login",
            "account_logout",
            "account_confirm_login_code",
            "account_request_login_code",
            "mfa_authenticate",
            "mfa_trust",
            "account_reset_password",
            "account_reset_password_done",
            "account_reset_password_from_key",
            "account_reset_password_from_key_done",
            "account_confirm_password_reset_code",
            "account_complete_password_reset",
            "account_password_reset_completed",
            "backoffice:login",
            "backoffice:logout",
            # two-factor set-up: where the business asks it of its staff, the
            # owner is sent there before any back-office page, Billing included
            "account_reauthenticate",
            "mfa_reauthenticate",
            "mfa_index",
            "mfa_activate_totp",
            "mfa_view_recovery_codes",
            "mfa_generate_recovery_codes",
            "mfa_download_recovery_codes",
            # the platform's billing page (owner only, the view checks); its POSTs
            # hand off to Stripe Checkout and the customer portal, which return here
            "backoffice:billing",
            "branding_logo",  # the back office's header on that page
        }
    )

    def __init__(self, get_response):
        self.get_response = get_response
        self.public_hosts = {settings.BASE_DOMAIN, f"www.{settings.BASE_DOMAIN}"}

    def __call__(self, request):
        try:
            host = request.get_host().rsplit(":", 1)[0].lower()
        except DisallowedHost:
            host = None

        if host in self.public_hosts:
            return self._serve_public(request)

        business = host_cache.get(host, business_for_host) if host else None
        if business is None:
            connection.set_tenant(PUBLIC)
            request.tenant = None
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            set_urlconf(request.urlconf)
            return render(request, "errors/unknown_host.html", {"host": host}, status=404)

        business.domain_url = host
        request.tenant = business
        connection.set_tenant(business)
        request.urlconf = settings.ROOT_URLCONF
        set_urlconf(request.urlconf)
        if business.is_locked and not self._locked_allows(request):
            return render(request, "tenants/locked.html", {"business": business}, status=403)
        return self.get_response(request)

    def _locked_allows(self, request) -> bool:
        """Whether a locked business serves this path: an allowed route, exactly.

        Resolves the path (only for locked businesses, so the routed hot path
        pays nothing). A path without its trailing slash is judged as the
        route CommonMiddleware will redirect it to.
        """
        path = request.path_info
        for candidate in (path, f"{path}/") if not path.endswith("/") else (path,):
            try:
                match = resolve(candidate, urlconf=request.urlconf)
            except Resolver404:
                continue
            return match.view_name in self.LOCKED_ALLOWED_ROUTES
        # static files are no route: WhiteNoise serves them, or nothing answers
        return path.startswith(settings.STATIC_URL)

    def _serve_public(self, request):
        connection.set_tenant(PUBLIC)
        request.tenant = PUBLIC
        request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
        set_urlconf(request.urlconf)
        return self.get_response(request)

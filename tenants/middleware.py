"""Route each request to the public site or to one business, by its host alone."""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.shortcuts import render
from django.urls import set_urlconf
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

    # paths a locked business still serves: health checks, static files, and the
    # way for its owner to sign in and pay (the billing page checks the role)
    LOCKED_ALLOWED_PREFIXES = (
        "/static/",
        "/healthz",
        "/admin/billing/",
        "/admin/login/",
        "/admin/logout/",
        "/accounts/login/",
        "/accounts/logout/",
        "/accounts/2fa/authenticate/",
        "/accounts/password/reset/",
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
        if business.is_locked and not request.path.startswith(self.LOCKED_ALLOWED_PREFIXES):
            return render(request, "tenants/locked.html", {"business": business}, status=403)
        return self.get_response(request)

    def _serve_public(self, request):
        connection.set_tenant(PUBLIC)
        request.tenant = PUBLIC
        request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
        set_urlconf(request.urlconf)
        return self.get_response(request)

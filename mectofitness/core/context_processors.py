from django.conf import settings

from tenants.models import Business


def site(request):
    """Values every template may use: the business being served (None on the public site)."""
    business = getattr(request, "tenant", None)
    business = business if isinstance(business, Business) else None
    return {
        "business": business,
        # allauth's login page offers sign-up only where it is open
        "signup_open": business is not None and _signup_open(request),
        "public_url": public_url("/"),
        "base_domain": settings.BASE_DOMAIN,
    }


def _signup_open(request) -> bool:
    from allauth.account.adapter import get_adapter

    return get_adapter(request).is_open_for_signup(request)


def public_url(path: str) -> str:
    """An absolute URL on the public domain."""
    port = f":{settings.SITE_PORT}" if settings.SITE_PORT else ""
    return f"{settings.SITE_SCHEME}://{settings.BASE_DOMAIN}{port}{path}"


def business_url(slug: str, path: str = "/") -> str:
    """An absolute URL on a business's subdomain."""
    port = f":{settings.SITE_PORT}" if settings.SITE_PORT else ""
    return f"{settings.SITE_SCHEME}://{slug}.{settings.BASE_DOMAIN}{port}{path}"

from django.conf import settings

from tenants.models import Business


def site(request):
    """Values every template may use: the business being served (None on the public site)."""
    business = getattr(request, "tenant", None)
    return {
        "business": business if isinstance(business, Business) else None,
        "public_url": public_url("/"),
        "base_domain": settings.BASE_DOMAIN,
    }


def public_url(path: str) -> str:
    """An absolute URL on the public domain."""
    port = f":{settings.SITE_PORT}" if settings.SITE_PORT else ""
    return f"{settings.SITE_SCHEME}://{settings.BASE_DOMAIN}{port}{path}"


def business_url(slug: str, path: str = "/") -> str:
    """An absolute URL on a business's subdomain."""
    port = f":{settings.SITE_PORT}" if settings.SITE_PORT else ""
    return f"{settings.SITE_SCHEME}://{slug}.{settings.BASE_DOMAIN}{port}{path}"

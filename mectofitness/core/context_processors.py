from allauth.account.adapter import get_adapter
from django.conf import settings
from django_tenants.utils import get_tenant_model


def site(request):
    """Values every template may use: the business being served (None on the public site)."""
    business = getattr(request, "tenant", None)
    # a business, not django-tenants' stand-in for the public site; its model is
    # named in settings (tenants is above core)
    business = business if isinstance(business, get_tenant_model()) else None
    return {
        "business": business,
        # allauth's login page offers sign-up only where it is open
        "signup_open": business is not None and _signup_open(request),
        # the sign-in page on its way to the back office (or the platform's admin)
        "staff_sign_in": _next_path(request).startswith("/admin/"),
        "public_url": public_url("/"),
        "base_domain": settings.BASE_DOMAIN,
    }


def _next_path(request) -> str:
    """The sign-in page's ``next``. The body is read on the sign-in page only: other
    pages (a refused upload's 413) must not parse it while rendering."""
    nxt = request.GET.get("next") or ""
    if not nxt and request.method == "POST" and request.path == "/accounts/login/":
        nxt = request.POST.get("next") or ""
    return str(nxt)


def _signup_open(request) -> bool:
    return get_adapter(request).is_open_for_signup(request)


def public_url(path: str) -> str:
    """An absolute URL on the public domain."""
    port = f":{settings.SITE_PORT}" if settings.SITE_PORT else ""
    return f"{settings.SITE_SCHEME}://{settings.BASE_DOMAIN}{port}{path}"


def business_url(slug: str, path: str = "/") -> str:
    """An absolute URL on a business's subdomain."""
    port = f":{settings.SITE_PORT}" if settings.SITE_PORT else ""
    return f"{settings.SITE_SCHEME}://{slug}.{settings.BASE_DOMAIN}{port}{path}"

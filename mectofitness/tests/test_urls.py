"""A business's URL conf tries the API and the back office before the apps' portal pages
(mectofitness/urls_tenant.py: most requests are to those two, and resolving a portal
page first walked them all). That order is only safe while no portal page lives under
``api/`` or ``admin/``: these tests resolve every portal route's own address and fail for
one that another route answers. No database."""

import re
import uuid

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import get_converters
from django.urls.resolvers import RoutePattern

from mectofitness import urls_tenant

# a value for each path converter of the project's routes, by the converter's kind
SAMPLES = {"int": 7, "str": "sample", "slug": "sample-slug", "uuid": uuid.UUID(int=7)}
SAMPLES["path"] = "folder/file.png"
KINDS = {type(converter): kind for kind, converter in get_converters().items()}


def _portal_routes() -> list[tuple[str, URLPattern]]:
    """``(address pattern, route)`` for the routes of the URL conf itself and of its
    includes, other than the API's and the back office's (which come first)."""
    routes = []

    def walk(prefix: str, patterns):
        for pattern in patterns:
            if not isinstance(pattern.pattern, RoutePattern):
                continue  # none of the portal's: a regular expression has no sample
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern) not in ("api/", "admin/"):
                    walk(prefix + str(pattern.pattern), pattern.url_patterns)
            elif pattern.name:
                routes.append((prefix + str(pattern.pattern), pattern))

    walk("", urls_tenant.urlpatterns)
    return routes


def test_the_api_and_back_office_come_before_the_portal_pages():
    prefixes = [str(p.pattern) for p in urls_tenant.urlpatterns]
    first_portal_page = prefixes.index("workouts/")
    assert prefixes.index("api/") < first_portal_page
    assert prefixes.index("admin/") < first_portal_page


def test_every_portal_route_is_answered_by_itself():
    resolver = get_resolver(urls_tenant)
    routes = _portal_routes()
    # the walk found the apps' pages and allauth's, not only the top level
    assert {"account_login", "portal_home"} <= {route.name for _address, route in routes}
    assert len(routes) > 90
    shadowed = []
    for address, route in routes:
        values = {
            name: SAMPLES[KINDS[type(converter)]]
            for name, converter in route.pattern.converters.items()
        }
        path = "/" + re.sub(
            r"<(?:\w+:)?(\w+)>", lambda m, values=values: str(values[m[1]]), address
        )
        match = resolver.resolve(path)
        if match.url_name != route.name:
            shadowed.append(f"{path} ({route.name}) is answered by {match.url_name}")
    assert not shadowed, shadowed


def test_addresses_under_the_api_and_the_back_office_stay_theirs():
    resolver = get_resolver(urls_tenant)
    assert resolver.resolve("/api/v1/anything-else/").func.__name__ == "api_not_found"
    assert resolver.resolve("/admin/").url_name == "index"
    assert resolver.resolve("/workouts/").url_name != "api_not_found"

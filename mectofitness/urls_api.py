"""The REST API of a business's subdomain, at /api/v1/ (OpenAPI at /api/schema/)."""

from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts.api import ApiTokenViewSet, MeView
from billing.api import register as billing_api_register
from clients.api import register as clients_api_register
from mectofitness.core.schema import SchemaView  # and registers our OpenAPI extensions
from messaging.api import register as messaging_api_register
from notifications.api import PushSubscriptionView
from notifications.api import register as notifications_api_register
from programs.api import register as programs_api_register
from scheduling.api import register as scheduling_api_register


@csrf_exempt  # it changes nothing: a DELETE gets the same 404 as a GET
def api_not_found(request, path: str):
    """Anything else under /api/ (an id of the wrong shape, say) is the API's own 404,
    a JSON body like every other API error, not the site's HTML page."""
    return JsonResponse({"detail": "Not found."}, status=404)


router = DefaultRouter()
router.register("tokens", ApiTokenViewSet, basename="api-token")
clients_api_register(router)
programs_api_register(router)
billing_api_register(router)
scheduling_api_register(router)
messaging_api_register(router)
notifications_api_register(router)

urlpatterns = [
    path("v1/me/", MeView.as_view(), name="api-me"),
    path("v1/push-subscriptions/", PushSubscriptionView.as_view(), name="api-push-subscriptions"),
    path("v1/", include(router.urls)),
    path("schema/", SchemaView.as_view(), name="api-schema"),
    # the page and its script come apart: the CSP allows no inline script
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # last: only paths with the trailing slash (without it, Django redirects to it first)
    re_path(r"^(?P<path>[\s\S]*/)$", api_not_found),  # [\s\S]: a line break too
]

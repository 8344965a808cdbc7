"""URLs of a business's subdomain: back office, client portal, API."""

from django.urls import include, path

from accounts import views as account_views
from backoffice.site import backoffice_site
from clients.views import people as people_views
from mectofitness.core import views as core_views
from tenants import views as tenant_views

urlpatterns = [
    # probes first: load balancers call them often, and resolving walks the list
    path("ping", core_views.ping, name="tenant_ping"),
    path("healthz", core_views.healthz, name="tenant_healthz"),
    path("", account_views.portal_home, name="portal_home"),
    path("auth/handoff/", tenant_views.handoff, name="handoff"),
    path("invite/<str:token>/", account_views.invitation_accept, name="invitation_accept"),
    path("profile/", account_views.profile, name="portal_profile"),
    path("profile/photo/<int:user_id>/", people_views.avatar, name="portal_avatar"),
    path("manifest.webmanifest", account_views.manifest, name="portal_manifest"),
    path("icons/<int:size>.png", account_views.icon, name="portal_icon"),
    path(
        "accounts/verify/resend/",
        account_views.verification_resend,
        name="account_verification_resend",
    ),
    path("accounts/", include("allauth.urls")),
    path("", include("clients.urls")),
    path("", include("programs.urls")),
    path("", include("billing.urls")),
    path("", include("scheduling.urls")),
    path("", include("messaging.urls")),
    path("", include("notifications.urls")),
    path("", include("notifications.urls_channels")),
    path("api/", include("mectofitness.urls_api")),
    path("admin/", backoffice_site.urls),
    path("branding/logo", tenant_views.branding_logo, name="branding_logo"),
    path("media/<path:path>", tenant_views.private_media, name="private_media"),
]

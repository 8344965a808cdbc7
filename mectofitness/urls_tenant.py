"""URLs of a business's subdomain: back office, client portal, API."""

from django.urls import include, path

from accounts import views as account_views
from backoffice.site import backoffice_site
from billing import urls as billing_urls
from clients import urls as clients_urls
from clients.views import people as people_views
from mectofitness.core import views as core_views
from messaging import urls as messaging_urls
from notifications import urls as notifications_urls
from notifications import urls_channels as notifications_channel_urls
from programs import urls as programs_urls
from scheduling import urls as scheduling_urls
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
    # the API and the back office before the apps' portal pages: a request to either is
    # most of what staff and apps send, and no portal page starts with these prefixes
    # (mectofitness/tests/test_urls.py keeps it so)
    path("api/", include("mectofitness.urls_api")),
    path("admin/", backoffice_site.urls),
    # the apps' portal pages at the root, spread into this list rather than included
    # under an empty prefix: Django tries an include's patterns in a resolver of its own,
    # and one that does not match raises Resolver404 with the list of what it tried,
    # which the next include extends (about a tenth of a request's URL resolving work)
    *clients_urls.urlpatterns,
    *programs_urls.urlpatterns,
    *billing_urls.urlpatterns,
    *scheduling_urls.urlpatterns,
    *messaging_urls.urlpatterns,
    *notifications_urls.urlpatterns,
    *notifications_channel_urls.urlpatterns,
    path("branding/logo", tenant_views.branding_logo, name="branding_logo"),
    path("media/<path:path>", tenant_views.private_media, name="private_media"),
]

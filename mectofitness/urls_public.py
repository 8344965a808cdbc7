"""URLs of the public domain: the product's own site and the platform's admin."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from billing.platform.webhooks import webhook as stripe_webhook
from billing.views import shop as shop_views
from mectofitness.core import views as core_views
from notifications import webhooks as channel_webhooks
from tenants import views
from tenants.schemas import provisioning_state

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "MectoFitness platform"
admin.site.site_title = "MectoFitness platform"
admin.site.index_title = "Platform administration"

urlpatterns = [
    # probes first: load balancers call them often, and resolving walks the list
    path("ping", core_views.ping, name="ping"),
    path("healthz", core_views.healthz, {"provisioning": provisioning_state}, name="healthz"),
    path("", views.landing, name="landing"),
    path("pricing/", views.pricing, name="pricing"),
    path("signup/", views.signup, name="signup"),
    path("signup/check/", views.slug_check, name="slug_check"),
    path("leads/", views.lead_create, name="lead_create"),
    path("leads/thanks/", views.lead_thanks, name="lead_thanks"),
    path("signin/", views.signin_finder, name="signin_finder"),
    path("signin/sent/", views.signin_finder_sent, name="signin_finder_sent"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # dj-stripe's webhook path, served by our stricter view (billing.platform.webhooks)
    path("stripe/webhook/<uuid:uuid>/", stripe_webhook, name="stripe_webhook"),
    # Stripe Connect: the businesses' accounts (their clients' payments), billing.views.shop
    path("stripe/connect/", shop_views.connect_webhook, name="stripe_connect_webhook"),
    path("stripe/connect/oauth/", shop_views.connect_oauth_return, name="stripe_connect_oauth"),
    path("stripe/", include("djstripe.urls", namespace="djstripe")),
    # the mail provider's delivery events and replies to the platform's texting number
    # (signed; notifications.webhooks)
    path("hooks/email/mailgun/", channel_webhooks.email_tracking, name="email_tracking"),
    path("hooks/twilio/inbound/", channel_webhooks.twilio_inbound, name="twilio_inbound"),
]

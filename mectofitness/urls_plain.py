"""The bench's baseline: plain Django, no tenant routing (MF_PLAIN_DJANGO=1 only)."""

from django.urls import path

from mectofitness.core import views as core_views

urlpatterns = [path("ping", core_views.ping)]

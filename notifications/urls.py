"""Portal URLs of notifications (the back office's pages are
``backoffice.views.notifications``)."""

from .views import urlpatterns

__all__ = ["urlpatterns"]

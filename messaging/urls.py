"""Portal URLs of messaging (the back office's pages are ``backoffice.views.messages``)."""

from .views import urlpatterns

__all__ = ["urlpatterns"]

"""Portal pages of the scheduling app (mounted at the root of a business's subdomain)."""

from .views import portal

urlpatterns = [*portal.urlpatterns]

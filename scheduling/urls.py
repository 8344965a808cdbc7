"""Portal pages of the scheduling app, and the public booking page (/book/), mounted at
the root of a business's subdomain."""

from .views import feeds, portal, public

urlpatterns = [*portal.urlpatterns, *feeds.urlpatterns, *public.urlpatterns]

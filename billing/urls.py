"""Portal pages of the billing app (mounted at the root of a business's subdomain)."""

from .views import invoices, shop

urlpatterns = [
    *shop.urlpatterns,
    *invoices.urlpatterns,
]

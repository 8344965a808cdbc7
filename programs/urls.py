"""Portal pages of the programs app (mounted at the root of a business's subdomain)."""

from .views import assignment, builder, habits, library, logging, nutrition, records

urlpatterns = [
    *library.urlpatterns,
    *builder.urlpatterns,
    *assignment.urlpatterns,
    *logging.urlpatterns,
    *records.urlpatterns,
    *nutrition.urlpatterns,
    *habits.urlpatterns,
]

"""Portal pages of the clients app (mounted at the root of a business's subdomain)."""

from .views import checkins, held, intake, measurements, photos, records, transfer

urlpatterns = [
    *records.urlpatterns,
    *intake.urlpatterns,
    *held.urlpatterns,
    *checkins.urlpatterns,
    *measurements.urlpatterns,
    *photos.urlpatterns,
    *transfer.urlpatterns,
]

"""Portal pages: records."""

urlpatterns = []

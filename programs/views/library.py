"""Portal pages: library."""

urlpatterns = []

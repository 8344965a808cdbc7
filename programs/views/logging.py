"""Portal pages: logging."""

urlpatterns = []

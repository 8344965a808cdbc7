"""Portal pages: generator."""

urlpatterns = []

"""Portal pages: assignment."""

urlpatterns = []

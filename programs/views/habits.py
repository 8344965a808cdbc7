"""Portal pages: habits."""

urlpatterns = []

"""Portal pages: nutrition."""

urlpatterns = []

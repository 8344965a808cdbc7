"""Portal pages: builder."""

urlpatterns = []

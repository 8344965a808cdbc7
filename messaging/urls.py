"""Portal URLs of messaging (the back office's pages are ``backoffice.views.messages``
and ``backoffice.views.announcements``); the file view serves staff and clients alike."""

from . import files, views

urlpatterns = [*views.urlpatterns, *files.urlpatterns]

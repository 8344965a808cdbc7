"""The sockets' URLs (``mectofitness/asgi.py`` serves them; each has a row in the role
matrix, ``accounts/tests/test_role_matrix.py``)."""

from django.urls import path

from .consumers import MessagesConsumer

websocket_urlpatterns = [
    path("ws/messages/", MessagesConsumer.as_asgi(), name="messaging_socket"),
]

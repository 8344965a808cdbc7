"""The ASGI application: the site over HTTP, and the sockets of real time.

`make run` serves it with daphne beside the web server (``mectofitness/dev.py``); in
production a proxy sends ``/ws/`` to it. Every socket passes
``messaging.realtime.middleware`` first: the business from the host, the person from
the session, refused otherwise.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mectofitness.settings")
http_application = get_asgi_application()  # sets Django up before the imports below

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from mectofitness.core.heap import heap_freeze_as_it_warms  # noqa: E402
from messaging.realtime.middleware import BusinessSocketMiddleware  # noqa: E402
from messaging.realtime.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": http_application,
        "websocket": BusinessSocketMiddleware(URLRouter(websocket_urlpatterns)),
    }
)

heap_freeze_as_it_warms()

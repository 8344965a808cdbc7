"""What the stand-ins' local HTTP servers share: a handler that answers at once and
keeps quiet, and a server on a thread of its own that stops at once."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class StandInHandler(BaseHTTPRequestHandler):
    """A stand-in's request handler: the stand-in subclasses it with its routes."""

    # headers and body leave as two writes: with Nagle's algorithm on, the second waits
    # for the client's delayed ACK of the first (40 ms a call on a keep-alive connection,
    # on loopback)
    disable_nagle_algorithm = True

    def log_message(self, *args) -> None:  # quiet
        pass


class LocalServer:
    """``handler`` served on ``host``:``port`` (0: any free port; ``port`` tells which)
    from a daemon thread, until ``stop``."""

    def __init__(self, host: str, port: int, handler: type[BaseHTTPRequestHandler]):
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        # shutdown() waits for the loop's next poll: the default half second, paid by
        # every test that starts a stand-in, was most of what stopping one cost
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

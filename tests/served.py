"""The sandbox served on 127.0.0.1 for tests that need a real socket and real outages.

`serve()` itself closes keep-alive connections on `server_close()` and sets TCP_NODELAY, so
`stop()` is a real outage and `start()` after it comes back on the same port.
"""

from __future__ import annotations

from http.server import ThreadingHTTPServer

from pylon_tui.sandbox import Sandbox, serve


class Served:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.port = 0
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        server = serve(self.sandbox, "127.0.0.1", self.port)
        self.port = server.server_address[1]
        server.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
        self.server = server

    def stop(self) -> None:
        if self.server is None:
            return
        self.server.shutdown()
        self.server.server_close()
        self.server = None

"""Adapters that put the Sandbox behind real HTTP machinery.

SandboxTransport plugs into httpx (sync and async) so the app's real clients run unchanged
in-process. `serve` exposes the same Sandbox on 127.0.0.1 so fault tests can use real
sockets (timeouts, dropped connections) and `pylon-tui sandbox serve` can share it.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from .core import LOCAL_HOSTS, Sandbox


def _to_response(
    request: httpx.Request, result: tuple[int, dict[str, str], bytes]
) -> httpx.Response:
    status, headers, body = result
    return httpx.Response(status, headers=headers, content=body, request=request)


class SandboxTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """httpx transport that answers from a Sandbox instead of the network."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        result = self.sandbox.handle(request.method, str(request.url), request.headers, body)
        return _to_response(request, result)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        result = self.sandbox.handle(request.method, str(request.url), request.headers, body)
        return _to_response(request, result)


class _Handler(BaseHTTPRequestHandler):
    sandbox: Sandbox
    protocol_version = "HTTP/1.1"
    # Headers and body are written separately: without this, Nagle + delayed ACK hold
    # every reply back ~40 ms.
    disable_nagle_algorithm = True
    server_version = "pylon-tui-sandbox"

    def _dispatch(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        # Always route as a loopback request: by path (/graphql, /github/..., else Pylon).
        port = getattr(self.server, "server_port", 0)
        url = f"http://127.0.0.1:{port}{self.path}"
        headers = {k: v for k, v in self.headers.items()}
        status, out_headers, payload = self.sandbox.handle(self.command, url, headers, body)
        self.send_response(status)
        for key, value in out_headers.items():
            self.send_header(key, value)
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        if payload and self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _dispatch

    def log_message(self, format: str, *args: object) -> None:
        """Silence per-request logging; the sandbox keeps its own request_log."""


class _Server(ThreadingHTTPServer):
    """Closing it really takes the "network" down: open keep-alive connections too, so a
    fault test that stops the server sees refused/reset connections, as with a real outage."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def server_close(self) -> None:
        super().server_close()
        with self._open_lock:
            still_open, self._open = self._open, set()
        for conn in still_open:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                conn.close()


def _make_server(sandbox: Sandbox, host: str, port: int) -> ThreadingHTTPServer:
    if host not in LOCAL_HOSTS:
        raise ValueError(f"the sandbox only binds to loopback, not {host!r}")
    handler = type("SandboxHandler", (_Handler,), {"sandbox": sandbox})
    server = _Server((host, port), handler)
    server.daemon_threads = True
    return server


def serve(sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """Start serving in a daemon thread; call `.shutdown()` and `.server_close()` to stop.

    The bound port is `server.server_address[1]` (port 0 picks a free one).
    """
    server = _make_server(sandbox, host, port)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="sandbox-http",
        daemon=True,
    )
    thread.start()
    return server


def serve_forever(sandbox: Sandbox, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Blocking variant for `pylon-tui sandbox serve --port N`; Ctrl-C stops it."""
    server = _make_server(sandbox, host, port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()

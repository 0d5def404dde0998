"""The installed app against the sandbox served on 127.0.0.1 behind a slow proxy.

Writes take a while on a real network. A move the board already shows must not vanish
because the user pressed q before the write finished.
"""

from __future__ import annotations

import re
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import AppLauncher, CliRunner, E2EEnv, board_of, column_header
from tests.e2e.conftest import screen_columns as columns

pytestmark = pytest.mark.e2e

WRITE_DELAY = 1.5
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


@pytest.fixture
def served_sandbox(pylon_tui_bin: Path, e2e_env: E2EEnv) -> Iterator[str]:
    """``pylon-tui sandbox serve`` on a free port, over this test's sandbox database."""
    proc = subprocess.Popen(
        [str(pylon_tui_bin), "sandbox", "serve", "--port", "0"],
        env=dict(e2e_env.env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        assert match, f"unexpected `sandbox serve` banner: {line!r}"
        yield f"http://127.0.0.1:{match.group(1)}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def slow_proxy(served_sandbox: str) -> Iterator[str]:
    """Forwards to the served sandbox; every write waits WRITE_DELAY seconds first."""
    upstream = httpx.Client(base_url=served_sandbox, timeout=30)

    class Handler(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            if self.command != "GET":
                time.sleep(WRITE_DELAY)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            reply = upstream.request(self.command, self.path, content=body, headers=headers)
            try:
                self.send_response(reply.status_code)
                for key, value in reply.headers.items():
                    if key.lower() not in HOP_BY_HOP and key.lower() != "content-encoding":
                        self.send_header(key, value)
                self.send_header("content-length", str(len(reply.content)))
                self.end_headers()
                self.wfile.write(reply.content)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the app quit while its write was in flight: the server still applied it

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _forward

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        upstream.close()


class MovesLost(AssertionError):
    """The one failure the xfail below expects; harness trouble still fails the test."""


def test_quit_right_after_two_moves_keeps_both(
    launch: AppLauncher, cli: CliRunner, e2e_env: E2EEnv, slow_proxy: str
) -> None:
    config = e2e_env.root / "network.toml"
    config.write_text(f'[pylon]\nbase_url = "{slow_proxy}"\n')
    config.chmod(0o600)
    first, second = board_of(cli("list", "--json"))["new"][:2]

    app = launch("--config", str(config), PYLON_API_TOKEN="e2e-token")
    app.wait_until(lambda s: column_ready(s, first), "the board over the network", timeout=20)
    app.send("L")  # first card -> On You; focus follows it
    app.wait_until(lambda s: first in columns(s)["On You"], f"#{first} in On You")
    app.send("h")  # back to New, whose first card is now the second ticket
    app.send("L")
    app.wait_until(lambda s: second in columns(s)["On You"], f"#{second} in On You")
    app.send("q")
    app.wait_exit(timeout=15)

    time.sleep(WRITE_DELAY * 2 + 0.5)  # let any write the proxy already holds land
    after = board_of(cli("list", "--json"))
    lost = [n for n in (first, second) if n not in after["on_you"]]
    if lost:
        raise MovesLost(f"moves shown on screen but lost after quitting: {lost}")


def column_ready(screen: str, number: int) -> bool:
    # Not "SANDBOX": with a token and a base_url the app is in normal (network) mode.
    return column_header(screen) is not None and number in columns(screen)["New"]

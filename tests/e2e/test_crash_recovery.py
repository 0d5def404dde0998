"""The acceptance check for the outbox: a move made while the network is down survives
`kill -9` of the app and reaches Pylon exactly once after the next start.

The sandbox is served from this test process on 127.0.0.1, so the test can take the network
down (close the listening socket and every open connection) and bring it back on the same
port, and can read the sandbox's own request log afterwards.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pylon_tui.sandbox import Sandbox
from tests.e2e.conftest import AppLauncher, E2EEnv, TmuxApp, column_header, screen_columns
from tests.served import Served

pytestmark = pytest.mark.e2e

TOKEN = "test-token"
PENDING = "pending"


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    with Sandbox(tmp_path / "served-sandbox.sqlite3", required_token=TOKEN) as sb:
        sb.ensure_seeded()
        yield sb


@pytest.fixture
def network(sandbox: Sandbox) -> Iterator[Served]:
    served = Served(sandbox)
    served.start()
    try:
        yield served
    finally:
        served.stop()


def write_config(e2e_env: E2EEnv, port: int) -> Path:
    path = e2e_env.root / "crash.toml"
    path.write_text(f'[pylon]\nbase_url = "http://127.0.0.1:{port}"\ntoken = "{TOKEN}"\n')
    path.chmod(0o600)
    return path


def pylon_get(sandbox: Sandbox, port: int, path: str) -> dict[str, Any]:
    status, _, body = sandbox.handle(
        "GET", f"http://127.0.0.1:{port}{path}", {"authorization": f"Bearer {TOKEN}"}, b""
    )
    assert status == 200, body
    data = json.loads(body)["data"]
    assert isinstance(data, dict)
    return data


def kill_hard(app: TmuxApp) -> None:
    """SIGKILL the app's whole process group: no cleanup, no atexit, no final write."""
    panes = app._tmux("list-panes", "-t", app.target, "-F", "#{pane_pid}")
    pid = int(panes.stdout.split()[0])
    group = os.getpgid(pid)
    assert group != os.getpgrp(), "the pane must not share the test runner's process group"
    os.killpg(group, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while app.alive():
        assert time.monotonic() < deadline, "the killed app's pane did not go away"
        time.sleep(0.05)


def queued_rows(e2e_env: E2EEnv) -> list[tuple[str, str, str]]:
    """The outbox as the killed app left it on disk (read-only: nothing is repaired)."""
    [cache] = (Path(e2e_env.env["XDG_STATE_HOME"]) / "pylon-tui").glob("cache-*.sqlite3")
    db = sqlite3.connect(f"file:{cache}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT ticket_id, kind, value FROM outbox ORDER BY seq").fetchall()
    finally:
        db.close()
    return [(str(a), str(b), str(c)) for a, b, c in rows]


def board_ready(screen: str) -> bool:
    return column_header(screen) is not None and bool(screen_columns(screen)["New"])


def writes_for(sandbox: Sandbox, ticket_id: str) -> list[tuple[str, str, str, int]]:
    return [
        entry
        for entry in list(sandbox.request_log)
        if entry[0] == "pylon"
        and entry[1] in ("PATCH", "POST", "PUT", "DELETE")
        and entry[2].startswith(f"/issues/{ticket_id}")
    ]


def test_move_while_offline_survives_kill_9_and_lands_exactly_once(
    launch: AppLauncher, e2e_env: E2EEnv, sandbox: Sandbox, network: Served
) -> None:
    config = write_config(e2e_env, network.port)
    port = network.port

    app = launch("--config", str(config))
    screen = app.wait_until(board_ready, "the board over the network", timeout=20)
    number = screen_columns(screen)["New"][0]
    ticket = pylon_get(sandbox, port, f"/issues/{number}")
    assert ticket["state"] == "new"
    ticket_id = ticket["id"]

    network.stop()  # network down: refused, and the app's pooled connections are dead
    app.send("L")
    app.wait_until(
        lambda s: PENDING in s and number in screen_columns(s)["On You"],
        f"#{number} in On You with a pending change",
    )
    kill_hard(app)
    assert queued_rows(e2e_env) == [(ticket_id, "move", "waiting_on_you")]
    assert writes_for(sandbox, ticket_id) == [], "nothing reached the server while it was down"

    network.start()  # network up, same port: the config still points at it
    assert network.port == port
    again = launch("--config", str(config))
    again.wait_until(
        lambda s: board_ready(s) and PENDING not in s, "the board with nothing pending", timeout=20
    )
    # At 80x24 On You shows 8 cards and the moved one sorts below them: filter to it.
    again.send("/")
    again.wait_for("filter:")
    again.type(f"#{number}")
    again.send("Enter")
    again.wait_until(
        lambda s: number in screen_columns(s)["On You"] and PENDING not in s,
        f"#{number} in On You with nothing pending",
    )
    again.send("q")
    again.wait_exit(timeout=15)

    assert writes_for(sandbox, ticket_id) == [("pylon", "PATCH", f"/issues/{ticket_id}", 200)]
    assert pylon_get(sandbox, port, f"/issues/{ticket_id}")["state"] == "waiting_on_you"
    assert queued_rows(e2e_env) == []

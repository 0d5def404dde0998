"""Background events never steal keys (issue 10, item 1): the installed app in tmux, 80x24.

The UX test's B1, end to end: a note is typed into the editor while, one after another, a
refresh fails (Pylon down), a queued move meets a ticket the customer changed meanwhile (a
conflict) and a linked issue closes (`pylon-tui sandbox close ENG-12`: an auto-return). Every
key typed must land in the note (the old conflict dialog took `m` and `t` as "apply mine" and
"keep the server's"), no dialog may open by itself, and the conflict must wait in the status bar
until `c`.

Pylon is taken down inside the embedded sandbox (the board's sandbox mode is the one that also
serves Linear, which auto-return needs): the test renames a table every Pylon request reads, so
each answers 500 as a broken server would, and renames it back in the same transaction as the
customer's message, so the app can never slip a retry in between.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pylon_tui.sandbox import Sandbox
from tests.e2e.conftest import (
    AppLauncher,
    CliRunner,
    E2EEnv,
    TmuxApp,
    board_visible,
    screen_columns,
)

pytestmark = pytest.mark.e2e

CONFLICTED = 22  # On Hold on ENG-2 (stays open)
RETURNS = 23  # On Hold on ENG-12 (the test closes it)
SEED_CLOSED = 47  # On Hold on ENG-13, Done in the seed: the first poll's baseline
TABLE = "pylon_automations"  # read by every Pylon request of the sandbox, by nothing of Linear's
NOTE = "see attached logs m t done"
CONFLICT_DIALOG = "changed while your change waited"  # the dialog's title, not the toast's


@pytest.fixture
def sandbox_db(e2e_env: E2EEnv) -> Path:
    return Path(e2e_env.env["XDG_DATA_HOME"]) / "pylon-tui" / "sandbox.sqlite3"


@pytest.fixture
def sandbox(sandbox_db: Path) -> Iterator[Sandbox]:
    """Opened (schema script run) before any rename, so it never recreates the table."""
    sb = Sandbox(sandbox_db)
    sb.ensure_seeded()
    try:
        yield sb
    finally:
        sb.close()


def type_slowly(app: TmuxApp, text: str) -> None:
    for char in text:
        app.type(char)
        time.sleep(0.05)


def get(sandbox: Sandbox, path: str) -> object:
    status, _, body = sandbox.handle("GET", f"http://127.0.0.1{path}", {}, b"")
    assert status == 200, body
    return json.loads(body)["data"]


def test_background_events_never_steal_keys(
    launch: AppLauncher, cli: CliRunner, e2e_env: E2EEnv, sandbox: Sandbox
) -> None:
    config = e2e_env.root / "config.toml"
    config.write_text("[board]\nrefresh_seconds = 5\n")
    app = launch("--config", str(config))
    app.wait_until(lambda s: board_visible(s) and "synced" in s, "the first sync", timeout=20)

    # Pylon goes down: every request answers 500 (a refresh error; the move below is queued).
    sandbox._conn.execute(f"ALTER TABLE {TABLE} RENAME TO {TABLE}_down")
    app.send("/")
    app.wait_for("filter:")
    app.type(f"#{CONFLICTED}")
    app.send("Enter")  # the cursor goes to the only column with a match: On Hold
    app.wait_until(lambda s: screen_columns(s)["On Hold"] == [CONFLICTED], f"#{CONFLICTED} alone")
    app.send("m")  # move to… New, queued while Pylon is down
    app.wait_for("Move to…")
    app.type("new")
    app.send("Enter")
    app.wait_until(
        lambda s: screen_columns(s)["New"] == [CONFLICTED] and "pending" in s,
        f"#{CONFLICTED} in New with its move pending",
    )
    app.send("Escape")
    app.wait_gone("filter:")
    app.send("n")
    app.wait_for(f"Internal note on #{CONFLICTED}")

    type_slowly(app, "see at")
    app.wait_for("⚠", timeout=20)  # the refresh timer's failure, under the editor
    type_slowly(app, "tached logs")

    # Back up, in one transaction with the customer writing: Pylon moves the ticket out of On
    # Hold, so the queued move now meets a changed ticket.
    db = sandbox._conn
    db.execute("BEGIN IMMEDIATE")
    db.execute(f"ALTER TABLE {TABLE}_down RENAME TO {TABLE}")
    sandbox.customer_message(str(CONFLICTED), "<p>Still broken for us</p>")
    db.execute("COMMIT")

    type_slowly(app, " m")
    app.wait_for("changed on Pylon", timeout=40)  # the conflict's toast
    type_slowly(app, " t")
    closed = cli("sandbox", "close", "ENG-12")
    assert closed.returncode == 0, closed.describe()
    app.wait_for(f"#{RETURNS} is back On You", timeout=20)
    type_slowly(app, " done")

    screen = app.capture()
    assert f"Internal note on #{CONFLICTED}" in screen, screen
    assert NOTE in screen, screen
    assert CONFLICT_DIALOG not in screen, screen

    app.send("C-s")
    screen = app.wait_until(
        lambda s: "Internal note" not in s and "1 conflict (c)" in s, "the board with the badge"
    )
    log = app.output_log.read_bytes().decode("utf-8", "replace")
    assert CONFLICT_DIALOG not in log, "the conflict dialog opened before `c`"
    assert f"#{SEED_CLOSED} is back" not in log, "seed data made a toast on a first start"

    # Nothing was decided for the user: the move waits, and the note queues behind it.
    assert get(sandbox, f"/issues/{CONFLICTED}")["state"] == "waiting_on_you"  # type: ignore[index]

    # `c` asks; `m` keeps the user's move; then both reach Pylon, the note exactly as typed.
    app.send("c")
    app.wait_for(CONFLICT_DIALOG)
    app.send("m")
    app.wait_gone(CONFLICT_DIALOG)
    deadline = time.monotonic() + 20
    while True:
        state = get(sandbox, f"/issues/{CONFLICTED}")["state"]  # type: ignore[index]
        thread = json.dumps(get(sandbox, f"/issues/{CONFLICTED}/messages?limit=100"))
        if state == "new" and NOTE in thread:
            break
        assert time.monotonic() < deadline, f"state {state}; note sent: {NOTE in thread}"
        time.sleep(0.25)
    app.wait_gone("conflict (c)")
    app.send("q")
    app.wait_exit(timeout=15)

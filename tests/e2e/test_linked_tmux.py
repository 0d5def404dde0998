"""Issue 15 end to end: the installed app in tmux at 80x24 on the embedded sandbox.

Undo send: a reply counts down in the status bar, `u` takes it back into the editor, and a
reply taken back is never sent, also when the app is killed during the grace period and
started again (the countdown resumes; `u` still works). The collision guard: the customer
writes (`pylon-tui sandbox write`) while a reply waits; the reply is held, `c` shows the new
message, `s` sends it once. Fix-ready replies: `sandbox close ENG-12`, `F`, review, send.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from pylon_tui.sandbox import Sandbox
from tests.e2e.conftest import AppLauncher, CliRunner, E2EEnv, TmuxApp, board_visible

pytestmark = pytest.mark.e2e

ON_YOU = 66
FIXED = 23  # On Hold on ENG-12 (release 2024.6.2 in the seed)


def thread_of(e2e_env: E2EEnv, number: int) -> str:
    db = Path(e2e_env.env["XDG_DATA_HOME"]) / "pylon-tui" / "sandbox.sqlite3"
    with Sandbox(db) as sandbox:
        status, _, body = sandbox.handle(
            "GET", f"http://127.0.0.1/issues/{number}/messages?limit=100", {}, b""
        )
    assert status == 200, body
    return json.dumps(json.loads(body)["data"])


def start(launch: AppLauncher, e2e_env: E2EEnv, grace: int) -> TmuxApp:
    config = e2e_env.root / "config.toml"
    config.write_text(f"[board]\nsend_grace_seconds = {grace}\n")
    app = launch("--config", str(config))
    app.wait_until(lambda s: board_visible(s) and "synced" in s, "the first sync", timeout=20)
    return app


def reply_to(app: TmuxApp, number: int, words: str) -> None:
    app.send("/")
    app.wait_for("filter:")
    app.type(f"#{number}")
    app.wait_for(f'filter: "#{number}"')
    app.send("Enter")
    time.sleep(0.5)  # the filter field closes and the cursor lands on the match
    app.send("r")
    app.wait_for(f"Reply to #{number}", "Thanks for reaching out")
    time.sleep(0.5)  # the editor has the focus
    app.type(f" {words}")
    app.wait_for(words)
    app.send("C-s")
    app.wait_for(f"reply to #{number} sends in")


def test_undo_send_never_sends_also_across_a_kill_and_restart(
    launch: AppLauncher, e2e_env: E2EEnv
) -> None:
    app = start(launch, e2e_env, grace=60)
    reply_to(app, ON_YOU, "first try")
    app.send("u")
    app.wait_for("Took back your reply")
    app.wait_for(f"Reply to #{ON_YOU}", "first try")  # back in the editor, words and all
    app.send("Escape")
    app.wait_gone(f"Reply to #{ON_YOU}")

    reply_to(app, ON_YOU, "second try")
    app.kill()  # killed inside the grace period, like a dropped SSH session

    again = launch("--config", str(e2e_env.root / "config.toml"))
    again.wait_for(f"reply to #{ON_YOU} sends in", timeout=20)  # the countdown resumes
    again.send("u")
    again.wait_for(f"Reply to #{ON_YOU}")
    again.send("Escape")
    again.wait_gone(f"Reply to #{ON_YOU}")
    again.send("q")
    again.wait_exit()
    thread = thread_of(e2e_env, ON_YOU)
    assert "first try" not in thread
    assert "second try" not in thread


def test_a_customer_message_while_the_reply_waits_then_a_fix_ready_reply(
    launch: AppLauncher, cli: CliRunner, e2e_env: E2EEnv
) -> None:
    app = start(launch, e2e_env, grace=4)
    reply_to(app, ON_YOU, "please retry now")
    wrote = cli("sandbox", "write", str(ON_YOU), "works again on our side")
    assert wrote.returncode == 0, wrote.describe()
    app.wait_for("1 conflict (c)", timeout=20)
    assert "please retry now" not in thread_of(e2e_env, ON_YOU), "held, not sent"
    app.send("c")
    screen = app.wait_for("after your reply was started")
    assert "works again on our side" in screen
    app.send("s")
    deadline = time.monotonic() + 20
    while thread_of(e2e_env, ON_YOU).count("please retry now") != 1:
        assert time.monotonic() < deadline, "the reply was not sent once"
        time.sleep(0.25)

    closed = cli("sandbox", "close", "ENG-12")
    assert closed.returncode == 0, closed.describe()
    app.send("Escape")
    app.wait_gone("filter:")
    app.send("R")
    app.wait_for(f"#{FIXED} is back On You", timeout=30)
    app.send("F")
    app.wait_for("Ready to tell (1)")
    app.send("Enter")
    app.wait_for(f"Reply to #{FIXED}")
    app.wait_for("2024.6.2")
    app.send("C-s")
    deadline = time.monotonic() + 30
    while "shipped in release 2024.6.2" not in thread_of(e2e_env, FIXED):
        assert time.monotonic() < deadline, "the fix reply was not sent"
        time.sleep(0.25)
    app.send("q")
    app.wait_exit()

"""Typing ahead over SSH: keys that reach the remote app in one read all count, in order.

Over a slow link, text and the key after it (ctrl+s) often arrive at the remote pty
together; on a busy machine the app reads them in one go. Its dialog's ctrl+s used to run
before the text typed just ahead of it was in the editor, and the reply went out as the
bare template (test_ssh_tmux's reply step failed that way now and then in CI). Here the
text and ctrl+s go to the pane as ONE tmux command, so they always arrive together.
"""

from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import CliRunner, TmuxApp, board_visible
from tests.e2e.test_board_tmux import first_new_ticket

# The sshd, link and ssh-launcher fixtures of the SSH tests, shared rather than copied.
from tests.e2e.test_ssh_tmux import (  # noqa: F401
    SSH_TIMEOUT,
    SshLauncher,
    link,
    over_ssh,
    sshd,
    thread_texts,
    wait_ssh_ended,
)

pytestmark = pytest.mark.e2e


def type_then(app: TmuxApp, text: str, *keys: str) -> None:
    """`text` then `keys` written to the pane by one tmux command: one burst on the pty."""
    command = ["send-keys", "-t", app.target, "-l", text]
    for key in keys:
        command += [";", "send-keys", "-t", app.target, key]
    app._tmux(*command)


def test_text_and_ctrl_s_in_one_burst_over_ssh_all_reach_the_reply(
    cli: CliRunner,
    over_ssh: SshLauncher,  # noqa: F811 (the fixture imported above)
) -> None:
    number, _ = first_new_ticket(cli)
    app = over_ssh()
    app.wait_until(board_visible, "the board over ssh", timeout=SSH_TIMEOUT)
    app.send("r")
    app.wait_for(f"Reply to #{number}", "ctrl+s send")
    type_then(app, " [typed ahead]", "C-s")
    app.wait_gone(f"Reply to #{number}")
    deadline = time.monotonic() + SSH_TIMEOUT
    while not any(text.endswith("[typed ahead]") for text in thread_texts(cli, number)):
        assert time.monotonic() < deadline, (
            f"the typed text never reached #{number}'s thread: "
            f"{thread_texts(cli, number)[-2:]!r}\n{app.capture()}"
        )
        time.sleep(0.25)
    app.send("q")
    assert wait_ssh_ended(app) == [("0", "sane")]

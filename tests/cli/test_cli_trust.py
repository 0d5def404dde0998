"""The command line in the places the UX test caught it out (issue 10, item 11, and doctor
from item 10): `list | head`, hints that do not work when pasted, TERM=dumb and pipes,
`doctor` passing a column the workspace cannot fill, and `doctor` not naming the cache.
"""

from __future__ import annotations

import os
import pty
import select
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from pylon_tui.bootstrap import cache_path
from pylon_tui.cli import main
from pylon_tui.config import load_config, paths

ROOT = Path(__file__).resolve().parents[2]


def _env(*, buffered: bool = True, **extra: str) -> dict[str, str]:
    """The test's own homes (set by the autouse fixture), and this checkout on the path.
    Buffered, as a user's Python writes to a pipe: what is still buffered at exit is written
    by Python's own last flush, which used to print "Exception ignored ... Broken pipe"."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **extra}
    if buffered:
        env.pop("PYTHONUNBUFFERED", None)
    else:
        env["PYTHONUNBUFFERED"] = "1"
    return env


def _run_into_closed_pipe(*args: str, buffered: bool) -> subprocess.CompletedProcess[bytes]:
    """Like `pylon-tui list | head -0`: the reader is gone before the first byte is written."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [sys.executable, "-m", "pylon_tui", *args],
            stdout=write,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=_env(buffered=buffered),
            timeout=120,
            check=False,
        )
    finally:
        os.close(write)


@pytest.mark.parametrize("buffered", [True, False], ids=["buffered", "unbuffered"])
@pytest.mark.parametrize(
    "args",
    [("list",), ("list", "--json"), ("show", "66"), ("show", "12", "--json"), ("--help",)],
)
def test_output_into_a_closed_pipe_ends_quietly(args: tuple[str, ...], buffered: bool) -> None:
    """Before: "pylon-tui: Broken pipe: check that the path exists and is writable", exit 1;
    with only that fixed, "Exception ignored ... BrokenPipeError" from the exit flush, 120."""
    done = _run_into_closed_pipe(*args, buffered=buffered)
    assert done.stderr == b""
    assert done.returncode == 0


def test_list_into_head_ends_quietly() -> None:
    """The reader takes one line and leaves while `list` is still writing."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "pylon_tui", "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=_env(),
    )
    assert proc.stdout is not None
    assert proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read()
    assert proc.wait(timeout=120) == 0
    assert first.startswith(b"(sandbox")
    assert stderr == b""


def test_the_on_hold_hint_works_when_pasted(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["move", "68", "On Hold"]) == 1
    err = capsys.readouterr().err
    hint = err.split("`")[1]
    assert hint == 'pylon-tui move 68 "On Hold" --link ENG-42'
    pasted = shlex.split(hint)[1:]
    assert pasted == ["move", "68", "On Hold", "--link", "ENG-42"]
    pasted[-1] = "ENG-2"  # an issue the sandbox has
    assert main(pasted) == 0
    assert "moved to On Hold" in capsys.readouterr().out


def test_a_missing_config_path_with_a_space_is_quoted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "my configs" / "pylon.toml"
    assert main(["--config", str(missing), "list"]) == 2
    assert f'`pylon-tui --config "{missing}" setup`' in capsys.readouterr().err


def test_term_dumb_gets_a_message_not_a_full_screen_app(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TERM", "dumb")
    assert main(["board"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "TERM=dumb" in captured.err
    assert "`pylon-tui list`" in captured.err
    assert not cache_path(load_config(None, env={}), create=False).exists()  # opened nothing
    assert main(["list"]) == 0  # plain output still works there
    assert "New (" in capsys.readouterr().out


def test_the_board_into_a_pipe_gets_a_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    assert main([]) == 1  # pytest's captured stdout is not a terminal
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "standard output is not one" in captured.err
    assert "list --json" in captured.err


def _in_a_terminal(term: str) -> tuple[int, bytes]:
    """`pylon-tui` started in a real pseudo-terminal; what it wrote there and its exit code."""
    controller, terminal = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pylon_tui"],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=_env(TERM=term),
    )
    os.close(terminal)
    seen = b""
    try:
        while True:
            ready, _, _ = select.select([controller], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the child closed its side
                break
            if not chunk:
                break
            seen += chunk
    finally:
        code = proc.wait(timeout=60)
        os.close(controller)
    return code, seen


def test_term_dumb_in_a_real_terminal_gets_plain_text() -> None:
    code, seen = _in_a_terminal("dumb")
    assert code == 1
    assert b"TERM=dumb" in seen
    assert b"\x1b" not in seen  # no escape sequence reached a terminal that cannot take one


def _write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o600)
    return path


def test_doctor_fails_a_column_state_the_workspace_lacks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: "All good.", and the error only at the first move ("'on_hodl' is not a
    status this workspace knows")."""
    config = _write_config(
        tmp_path,
        '[[columns]]\nkey = "new"\nstates = ["new"]\n\n'
        '[[columns]]\nkey = "later"\ntitle = "Later"\nstates = ["waiting_on_you", "on_hodl"]\n',
    )
    assert main(["--config", str(config), "doctor"]) == 1
    out = capsys.readouterr().out
    assert "✗ column 'Later': state 'on_hodl' is not a status of this workspace" in out
    assert "fix: did you mean 'on_hold'? in config.toml, set columns[1].states to" in out
    assert "waiting_on_customer" in out  # the statuses it has are listed
    assert "All good." not in out
    assert "1 problem(s) found." in out


def test_doctor_passes_known_column_states(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor"]) == 0
    assert "✓ columns: all 4 states are statuses of this workspace" in capsys.readouterr().out


def test_doctor_prints_every_path_in_use_and_creates_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _write_config(tmp_path, 'me_email = "maya@sandboxco.dev"\n')
    assert main(["--config", str(config), "doctor"]) == 0
    out = capsys.readouterr().out.split("Paths\n", 1)[1]
    cache = cache_path(load_config(config, env={}), create=False)
    assert f"· config: {config}\n" in out
    assert f"· cache and queued changes: {cache} (not there yet: the board creates it)" in out
    assert f"· sandbox data: {paths.sandbox_db_path(create=False)} (in use" in out
    assert f"· log of unexpected errors: {paths.log_path(create=False)}" in out
    assert not cache.parent.exists()  # doctor looked, and made nothing
    assert not paths.log_path(create=False).parent.exists()


def test_doctor_counts_queued_changes(capsys: pytest.CaptureFixture[str]) -> None:
    from pylon_tui.sync import Note
    from pylon_tui.sync.store import Store

    store = Store.open(cache_path(load_config(None, env={}))).store
    store.enqueue(Note("t-1", "<p>hi</p>"), None)
    store.close()
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "(1 change(s) queued, not sent yet: the board sends them)" in out


def test_doctor_paths_for_a_live_workspace_even_when_it_is_unreachable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PYLON_API_TOKEN", "pylon_api_not_a_real_token")
    config = _write_config(tmp_path, '[pylon]\nbase_url = "http://127.0.0.1:9"\n')
    assert main(["--config", str(config), "doctor"]) == 1
    out = capsys.readouterr().out
    assert "pylon_api_not_a_real_token" not in out
    paths_part = out.split("Paths\n", 1)[1]
    cache = cache_path(load_config(config), create=False)
    assert cache.name != "cache-sandbox.sqlite3"  # this workspace's own cache
    assert f"· cache and queued changes: {cache} (not there yet" in paths_part
    assert "(used only without a Pylon token)" in paths_part
    assert f"· rate budget: {paths.rate_budget_path('127.0.0.1:9')}\n" in paths_part

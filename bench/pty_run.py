"""Metrics 3 and 4, parent side: start a board process under a real pty and watch its output.

- first paint: wall time from just before fork to the first card text (`#<number> `) in the
  bytes the app writes to the terminal (the process is the installed `pylon-tui`, or one of
  bench.first_paint's instrumented modes: see `Launch`);
- peak RSS of that child (VmHWM from /proc, sampled until it exits: ru_maxrss would include
  the pages it shared with this big parent between fork and exec);
- bytes written to the terminal per key, once the board is idle.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.first_paint import peak_rss_kb

ROOT = Path(__file__).resolve().parent.parent
COLS, ROWS = 120, 40
CARD = re.compile(rb"#\d+ ")
QUIET = 0.08  # no output for this long (~5 frames) = the app has finished this key's frames
START_TIMEOUT = 120.0
QUIT_TIMEOUT = 60.0
IN_VIEW = 10  # j presses that cannot scroll a 36-row column of 2-row cards
SCRUB = (
    *("TEXTUAL", "TEXTUAL_DRIVER", "TEXTUAL_DEBUG", "NO_COLOR", "COLUMNS", "LINES", "TMUX"),
    # the board must see only the bench's HOME, config and tokens
    *("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"),
    *("PYLON_TUI_CONFIG", "PYLON_API_TOKEN", "LINEAR_API_KEY", "GITHUB_TOKEN"),
)


@dataclass
class Launch:
    """What to exec under the pty: argv, plus env overrides on top of this process's env."""

    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    marks: Path | None = None  # where an instrumented child writes its phase marks
    quit_key: bytes = b"q"  # the peer quits on ctrl+q (Textual's default)


def pylon_tui_command() -> list[str]:
    """The installed console script next to this interpreter, else `python -m pylon_tui`."""
    script = Path(sys.executable).with_name("pylon-tui")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pylon_tui"]


def bench_child(*args: str, marks: Path | None = None) -> list[str]:
    extra = ["--marks", str(marks)] if marks is not None else []
    return [sys.executable, "-m", "bench.first_paint", *args, *extra]


@dataclass
class PtyResult:
    first_paint_s: float
    marks: dict[str, float]
    start_wall: float
    peak_rss_kb: int
    bytes_per_key: dict[str, float] = field(default_factory=dict)
    board_bytes: int = 0
    key_ms: dict[str, list[float]] = field(default_factory=dict)
    """With `timed`: per press, ms from writing the key to the first byte drawn."""


class Terminal:
    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.total = 0
        self.buffer = bytearray()

    def read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return b""
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # EIO: the child closed the pty
            raise EOFError from None
        if not chunk:
            raise EOFError
        self.total += len(chunk)
        return chunk

    def wait_for(self, pattern: re.Pattern[bytes], timeout: float) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            chunk = self.read(0.05)
            if chunk:
                self.buffer += chunk
                if pattern.search(self.buffer):
                    return time.time()
        raise TimeoutError(f"no {pattern.pattern!r} within {timeout}s")

    def drain(self, quiet: float = QUIET, limit: float = 10.0) -> int:
        """Read until nothing arrives for `quiet` seconds; returns the bytes read."""
        count = 0
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            chunk = self.read(quiet)
            if not chunk:
                break
            count += len(chunk)
        return count

    def press(self, key: bytes) -> int:
        return self.timed_press(key)[0]

    def timed_press(self, key: bytes) -> tuple[int, float]:
        """Write the key, read until quiet: (bytes read, ms from the write to the first
        byte; nan when the key drew nothing)."""
        os.write(self.fd, key)
        sent = time.perf_counter()
        first = self.read(QUIET)
        delay = (time.perf_counter() - sent) * 1000 if first else float("nan")
        return len(first) + (self.drain() if first else 0), delay


def _child(launch: Launch) -> None:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in SCRUB}
    env.update(launch.env)
    env.update({"TERM": "xterm-256color", "COLUMNS": str(COLS), "LINES": str(ROWS)})
    os.chdir(ROOT)
    os.execve(launch.argv[0], launch.argv, env)  # noqa: S606 - exec the board, no shell


def run_pty(
    launch: Launch, presses: int = 50, moves: int | None = None, *, timed: bool = False
) -> PtyResult:
    """`moves` (default `presses`) caps the L/H presses: the installed command keeps Pylon's
    PATCH budget (18 a minute after headroom), so more than that queues writes for minutes.
    `timed`: only `j` and `L`/`H`, each timed to its first byte (the peer comparison)."""
    moves = presses if moves is None else min(moves, presses)
    if launch.marks is not None:
        launch.marks.unlink(missing_ok=True)
    start = time.time()
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child execs
        try:
            _child(launch)
        finally:
            os._exit(127)
    term = Terminal(fd)
    rss_kb = 0
    try:
        painted = term.wait_for(CARD, START_TIMEOUT)
        term.drain(quiet=0.5)  # let the board finish its first frames and go idle
        board_bytes = term.total
        per_key: dict[str, float] = {}
        key_ms: dict[str, list[float]] = {}
        if timed:
            key_ms = _timed_keys(term, presses, moves)
        elif presses:
            # j from the top of New: the first presses stay in view, later ones scroll
            in_view = min(IN_VIEW, presses)
            first = [term.press(b"j") for _ in range(in_view)]
            rest = [term.press(b"j") for _ in range(presses - in_view)]
            per_key["focus_down"] = (sum(first) + sum(rest) + term.drain(0.3)) / presses
            per_key["focus_down_in_view"] = sum(first) / in_view
            if rest:
                per_key["focus_down_scrolling"] = sum(rest) / len(rest)
            term.press(b"g")
            across = [term.press(b"l" if i % 2 == 0 else b"h") for i in range(presses)]
            per_key["focus_across"] = (sum(across) + term.drain(0.3)) / presses
            term.press(b"g")
            if moves:
                sent = [term.press(b"L" if i % 2 == 0 else b"H") for i in range(moves)]
                per_key["card_move"] = (sum(sent) + term.drain(0.3)) / moves
        rss_kb = peak_rss_kb(pid)
        os.write(fd, launch.quit_key)
        deadline = time.monotonic() + QUIT_TIMEOUT
        try:
            while time.monotonic() < deadline:
                term.read(0.05)
                rss_kb = max(rss_kb, peak_rss_kb(pid))  # until it exits (VmHWM then gone)
            os.kill(pid, signal.SIGKILL)  # it did not quit: the figures above stand
        except EOFError:
            pass
    finally:
        _, status, _usage = os.wait4(pid, 0)
        # not _usage.ru_maxrss: it includes the bench's own pages, shared until exec
        os.close(fd)
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    if not killed and (not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0):
        raise RuntimeError(f"board process failed (status {status}):\n{term.buffer[-2000:]!r}")
    marks_file = launch.marks
    marks = json.loads(marks_file.read_text()) if marks_file and marks_file.exists() else {}
    return PtyResult(painted - start, marks, start, rss_kb, per_key, board_bytes, key_ms)


def _timed_keys(term: Terminal, presses: int, moves: int) -> dict[str, list[float]]:
    focus = [term.timed_press(b"j")[1] for _ in range(presses)]
    keys = [b"L" if i % 2 == 0 else b"H" for i in range(moves)]
    move = [term.timed_press(key)[1] for key in keys]
    term.drain(0.3)
    return {"focus_down": focus, "card_move": move}

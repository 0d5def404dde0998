"""Metrics 3 and 4, parent side: spawn bench.first_paint under a real pty and watch its output.

- first paint: wall time from just before fork to the first card text (`#<number> `) in the
  bytes the app writes to the terminal;
- peak RSS of that child (os.wait4's rusage, i.e. this child only);
- bytes written to the terminal per key, once the board is idle.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import struct
import sys
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLS, ROWS = 120, 40
CARD = re.compile(rb"#\d+ ")
QUIET = 0.08  # no output for this long (~5 frames) = the app has finished this key's frames
START_TIMEOUT = 120.0
IN_VIEW = 10  # j presses that cannot scroll a 36-row column of 2-row cards
SCRUB = ("TEXTUAL", "TEXTUAL_DRIVER", "TEXTUAL_DEBUG", "NO_COLOR", "COLUMNS", "LINES", "TMUX")


@dataclass
class PtyResult:
    first_paint_s: float
    marks: dict[str, float]
    start_wall: float
    peak_rss_kb: int
    bytes_per_key: dict[str, float] = field(default_factory=dict)
    board_bytes: int = 0


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
        os.write(self.fd, key)
        return self.drain()


def _child(db: Path, marks: Path) -> None:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in SCRUB}
    env.update({"TERM": "xterm-256color", "COLUMNS": str(COLS), "LINES": str(ROWS)})
    os.chdir(ROOT)
    argv = [sys.executable, "-m", "bench.first_paint", "--db", str(db), "--marks", str(marks)]
    os.execve(sys.executable, argv, env)  # noqa: S606 - exec the benchmark child, no shell


def run_pty(db: Path, presses: int = 50) -> PtyResult:
    marks_file = db.with_suffix(".marks.json")
    marks_file.unlink(missing_ok=True)
    start = time.time()
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child execs
        try:
            _child(db, marks_file)
        finally:
            os._exit(127)
    term = Terminal(fd)
    rss_kb = 0
    try:
        painted = term.wait_for(CARD, START_TIMEOUT)
        term.drain(quiet=0.5)  # let the board finish its first frames and go idle
        board_bytes = term.total
        per_key: dict[str, float] = {}
        if presses:
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
            moves = [term.press(b"L" if i % 2 == 0 else b"H") for i in range(presses)]
            per_key["card_move"] = (sum(moves) + term.drain(0.3)) / presses
        os.write(fd, b"q")
        try:
            while True:
                term.read(1.0)
        except EOFError:
            pass
    finally:
        _, status, usage = os.wait4(pid, 0)
        rss_kb = int(usage.ru_maxrss)  # KiB on Linux
        os.close(fd)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        raise RuntimeError(f"board process failed (status {status}):\n{term.buffer[-2000:]!r}")
    marks = json.loads(marks_file.read_text()) if marks_file.exists() else {}
    return PtyResult(painted - start, marks, start, rss_kb, per_key, board_bytes)

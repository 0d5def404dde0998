"""The board over SSH on a slow link: key-to-screen-change latency and bytes per key.

    python bench/ssh_latency.py [--n 80] [--rtt-ms 100] [--mbit 1] [--presses 40] [--moves 10]

Sets up what tests/e2e/test_ssh_tmux.py uses: a throwaway sshd on 127.0.0.1 (tests/sshd.py)
behind the relay that adds round-trip time and caps bandwidth (tests/slow_link.py). The local
side is ``ssh -t`` under a pty this script owns (80x24, TERM=xterm-256color); the remote
command is the installed ``pylon-tui`` next to this Python, on a throwaway HOME primed with N
sandbox tickets and a filled cache.

For each key the clock starts just before the key is written to ssh's terminal and stops at
the first byte ssh writes back to it (the first change of the screen, since the remote
terminal does not echo): that is what a user waits for, and it contains the round trip, the
app's work and frame wait, and the link's transmission time. Keys are sent one at a time,
each after the previous key's output has gone quiet. Bytes per key are counted twice: the
terminal bytes ssh writes to the local terminal (what the app drew) and the wire bytes the
relay carried both ways (encrypted SSH packets, what the link pays).

Targets (issue 17): p95 <= round trip + one 60 Hz frame; fewer than 1 KB per focus move.
Prints one JSON line per figure (the format of bench/run.py).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import select
import shutil
import struct
import sys
import tempfile
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # `python bench/ssh_latency.py`: make `bench`, `tests` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import emit, median, percentile
from bench.first_paint import home_env, prime_home
from bench.pty_run import pylon_tui_command
from tests.slow_link import SlowLink
from tests.sshd import remote_command, start_sshd

COLS, ROWS = 80, 24
FRAME_MS = 1000 / 60
QUIET = 0.3  # no output for this long after a key's first byte: its frames are all in
CARD = re.compile(rb"#\d+ ")


@dataclass
class KeyStats:
    latency_ms: list[float] = field(default_factory=list)
    terminal_bytes: list[int] = field(default_factory=list)
    wire_bytes: list[int] = field(default_factory=list)


class SshTerminal:
    """ssh under a pty: write keys, read what it writes back, with timestamps."""

    def __init__(self, argv: list[str]) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "COLUMNS", "LINES")}
        env["TERM"] = "xterm-256color"
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # pragma: no cover - the child execs ssh
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
            os.execve(argv[0], argv, env)  # noqa: S606 - exec ssh, no shell
        self.buffer = bytearray()

    def read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return b""
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # EIO: ssh closed the pty
            raise EOFError from None
        if not chunk:
            raise EOFError
        return chunk

    def wait_for(self, pattern: re.Pattern[bytes], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.buffer += self.read(0.05)
            if pattern.search(self.buffer):
                return
        raise TimeoutError(f"no {pattern.pattern!r} within {timeout}s: {self.buffer[-500:]!r}")

    def drain(self, quiet: float) -> int:
        count = 0
        while chunk := self.read(quiet):
            count += len(chunk)
        return count

    def press(self, key: bytes, timeout: float = 5.0) -> tuple[float, int]:
        """(ms to the first byte back, terminal bytes until quiet)."""
        started = time.perf_counter()
        os.write(self.fd, key)
        first = self.read(timeout)
        if not first:
            raise TimeoutError(f"no output within {timeout}s after {key!r}")
        latency = (time.perf_counter() - started) * 1000
        return latency, len(first) + self.drain(QUIET)

    def close(self) -> int:
        os.write(self.fd, b"q")
        try:
            while True:
                self.read(0.1)
        except EOFError:
            pass
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return status


def measure(term: SshTerminal, link: SlowLink, key: bytes, stats: KeyStats) -> None:
    up, down = link.stats.snapshot()
    latency, count = term.press(key)
    up2, down2 = link.stats.snapshot()
    stats.latency_ms.append(latency)
    stats.terminal_bytes.append(count)
    stats.wire_bytes.append(up2 - up + down2 - down)


def run(args: argparse.Namespace, tmp: Path) -> dict[str, KeyStats]:
    home = tmp / "home"
    prime_home(home, args.n)
    env = home_env(home) | {"LANG": "C.UTF-8"}
    sshd = start_sshd(tmp / "sshd")
    try:
        sshd.check_login()
        with SlowLink(sshd.port, rtt=args.rtt_ms / 1000, bits_per_second=args.mbit * 1e6) as link:
            command = remote_command(pylon_tui_command(), env, cwd=tmp)
            term = SshTerminal(sshd.ssh_argv(command, port=link.port))
            term.wait_for(CARD, 60)
            term.drain(1.0)  # the first frames and the background refresh settle
            keys: dict[str, KeyStats] = {}
            down = keys.setdefault("focus_down", KeyStats())
            for i in range(args.presses):  # down New and back up: stays in view, some scroll
                measure(term, link, b"j" if (i // 8) % 2 == 0 else b"k", down)
            across = keys.setdefault("focus_across", KeyStats())
            for i in range(args.presses):
                measure(term, link, b"l" if i % 2 == 0 else b"h", across)
            moves = keys.setdefault("card_move", KeyStats())
            for i in range(args.moves):  # New <-> On You: no On Hold dialog
                measure(term, link, b"L" if i % 2 == 0 else b"H", moves)
            status = term.close()
            if status != 0:
                raise RuntimeError(f"ssh/pylon-tui ended with status {status}")
            return keys
    finally:
        sshd.stop()


def report(args: argparse.Namespace, keys: dict[str, KeyStats]) -> None:
    rtt_ms = args.rtt_ms
    link = {"rtt_ms": rtt_ms, "mbit_per_s": args.mbit, "size": f"{COLS}x{ROWS}"}
    emit("load_average_1m", args.n, os.getloadavg()[0], "load", None)
    for name, stats in keys.items():
        info = link | {"samples": len(stats.latency_ms)}
        emit(f"ssh_{name}_latency_median", args.n, median(stats.latency_ms), "ms", info=info)
        emit(
            f"ssh_{name}_latency_p95",
            args.n,
            percentile(stats.latency_ms, 95),
            "ms",
            round(rtt_ms + FRAME_MS, 1),
            info=info | {"max": round(max(stats.latency_ms), 1)},
        )
        focus = name.startswith("focus")
        emit(
            f"ssh_{name}_terminal_bytes_per_key",
            args.n,
            sum(stats.terminal_bytes) / len(stats.terminal_bytes),
            "B",
            1024.0 if focus else None,
            info=info | {"max": max(stats.terminal_bytes)},
        )
        emit(
            f"ssh_{name}_wire_bytes_per_key",
            args.n,
            sum(stats.wire_bytes) / len(stats.wire_bytes),
            "B",
            None,
            info=info | {"max": max(stats.wire_bytes), "note": "encrypted, both directions"},
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=80, help="sandbox tickets (default 80)")
    parser.add_argument("--rtt-ms", type=float, default=100.0)
    parser.add_argument("--mbit", type=float, default=1.0, help="link bandwidth, Mbit/s")
    parser.add_argument("--presses", type=int, default=40, help="per focus key pattern")
    parser.add_argument("--moves", type=int, default=10, help="L/H presses (Pylon PATCHes)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pylon-ssh-bench-"))
    try:
        report(args, run(args, tmp))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

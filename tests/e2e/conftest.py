"""End-to-end harness: the installed ``pylon-tui`` command, in tmux, on a throwaway sandbox.

Every test gets its own HOME and XDG directories (so its own sandbox database, config, state
and cache) and no tokens in the environment, so it runs on the embedded sandbox and cannot
touch the user's files or a real Pylon workspace. Each app start gets its own tmux server
(``tmux -L <unique>``), killed in the fixture's finaliser whatever the test did.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

WIDTH, HEIGHT = 80, 24
DEFAULT_TIMEOUT = 15.0
POLL = 0.1
CLI_TIMEOUT = 60.0

# Anything that would make a run reach a real service or read the user's own setup.
SCRUBBED_ENV = (
    "PYLON_API_TOKEN",
    "LINEAR_API_KEY",
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "PYLON_TUI_CONFIG",
    "NO_COLOR",
    "FORCE_COLOR",
    "COLORTERM",
    "TMUX",
    "TMUX_PANE",
    "TEXTUAL",
    "TEXTUAL_DRIVER",
    "TEXTUAL_DEBUG",
    "COLUMNS",
    "LINES",
)

COLUMN_TITLES = ("New", "On You", "On Hold", "Closed")
TRACEBACK = "Traceback"


def _find_pylon_tui() -> Path | None:
    beside = Path(sys.executable).parent / "pylon-tui"
    if beside.exists():
        return beside
    found = shutil.which("pylon-tui")
    return Path(found) if found else None


def _find_tmux() -> str | None:
    return shutil.which("tmux") or ("/usr/bin/tmux" if Path("/usr/bin/tmux").exists() else None)


@pytest.fixture(scope="session")
def pylon_tui_bin() -> Path:
    found = _find_pylon_tui()
    if found is None:
        pytest.fail(
            "the pylon-tui command is not installed next to this Python "
            f"({Path(sys.executable).parent}) nor on PATH: run `pip install -e .`"
        )
    return found


@pytest.fixture(scope="session")
def tmux_bin() -> str:
    found = _find_tmux()
    if found is None:
        pytest.skip("tmux is not installed (scripts/test.sh installs it)")
    return found


# ----- environment -------------------------------------------------------------------------


@dataclass(frozen=True)
class E2EEnv:
    """The directories and environment one test's processes share."""

    root: Path
    env: Mapping[str, str]

    @property
    def config_file(self) -> Path:
        """Where platformdirs puts the config under this environment (Linux layout)."""
        return Path(self.env["XDG_CONFIG_HOME"]) / "pylon-tui" / "config.toml"

    def with_(self, **overrides: str | None) -> dict[str, str]:
        env = dict(self.env)
        for key, value in overrides.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return env


@pytest.fixture
def e2e_env(tmp_path: Path) -> E2EEnv:
    root = tmp_path
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    dirs = {
        "HOME": root / "home",
        "XDG_DATA_HOME": root / "data",
        "XDG_STATE_HOME": root / "state",
        "XDG_CONFIG_HOME": root / "config",
        "XDG_CACHE_HOME": root / "cache",
    }
    for key, path in dirs.items():
        path.mkdir()
        env[key] = str(path)
    env["TERM"] = "xterm-256color"
    env["LANG"] = env.get("LANG") or "C.UTF-8"
    env["PYTHONUNBUFFERED"] = "1"
    return E2EEnv(root, env)


# ----- headless CLI ------------------------------------------------------------------------


@dataclass
class CliResult:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def json(self) -> Any:
        return json.loads(self.stdout)

    def describe(self) -> str:
        return (
            f"pylon-tui {' '.join(self.args)} -> exit {self.returncode}\n"
            f"--- stdout ---\n{self.stdout[-3000:]}\n--- stderr ---\n{self.stderr[-3000:]}"
        )


CliRunner = Callable[..., CliResult]


@pytest.fixture
def cli(pylon_tui_bin: Path, e2e_env: E2EEnv) -> CliRunner:
    """Run the installed command headless; every run is checked for a traceback."""

    def run(
        *args: str, env: Mapping[str, str] | None = None, input: str | None = None
    ) -> CliResult:
        started = time.monotonic()
        proc = subprocess.run(
            [str(pylon_tui_bin), *args],
            env=dict(env if env is not None else e2e_env.env),
            cwd=e2e_env.root,
            input=input if input is not None else "",
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT,
            check=False,
        )
        result = CliResult(
            tuple(args), proc.returncode, proc.stdout, proc.stderr, time.monotonic() - started
        )
        assert TRACEBACK not in result.stdout + result.stderr, result.describe()
        return result

    return run


def board_of(result: CliResult) -> dict[str, list[int]]:
    """``list --json`` as {column key: [ticket numbers in order]}."""
    assert result.returncode == 0, result.describe()
    data = result.json()
    return {c["key"]: [t["number"] for t in c["tickets"]] for c in data["columns"]}


def ticket_in(result: CliResult, number: int) -> tuple[str, dict[str, Any]] | None:
    """(column key, ticket) for ticket ``number`` in a ``list --json`` result."""
    for column in result.json()["columns"]:
        for ticket in column["tickets"]:
            if ticket["number"] == number:
                return column["key"], ticket
    return None


# ----- tmux --------------------------------------------------------------------------------


class ScreenTimeout(AssertionError):
    pass


@dataclass
class TmuxApp:
    """One ``pylon-tui`` run as the only command of its own tmux server."""

    tmux: str
    socket: str
    env: Mapping[str, str]
    output_log: Path
    config_file: Path
    target: str = "app"
    started: float = field(default_factory=time.monotonic)

    def _tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.tmux, "-f", str(self.config_file), "-L", self.socket, *args],
            env=dict(self.env),
            capture_output=True,
            text=True,
            timeout=10,
            check=check,
        )

    def start(self, command: Sequence[str], session_env: Mapping[str, str]) -> None:
        # tmux sets the pane's TERM from default-terminal, after and over `-e TERM=…`, so the
        # terminal type under test goes in the server's config (read at server start).
        self.config_file.write_text(
            f'set -g default-terminal "{session_env["TERM"]}"\n'
            "set -g exit-empty on\n"
            "set -g remain-on-exit off\n"
        )
        env_flags: list[str] = []
        for key, value in session_env.items():
            env_flags += ["-e", f"{key}={value}"]
        self._tmux(
            "new-session", "-d", "-s", self.target, "-x", str(WIDTH), "-y", str(HEIGHT),
            *env_flags, *command,
        )  # fmt: skip
        # Record the raw output stream too: a crash prints its traceback on the way out,
        # after which the pane (and its screen) is gone.
        self._tmux("pipe-pane", "-o", "-t", self.target, f"cat >> '{self.output_log}'", check=False)

    def alive(self) -> bool:
        return self._tmux("has-session", "-t", self.target, check=False).returncode == 0

    def capture(self, *, escapes: bool = False) -> str:
        """The visible screen as text (with ``escapes``, SGR colour/attribute codes too)."""
        flags = ["-e"] if escapes else []
        proc = self._tmux("capture-pane", "-p", *flags, "-t", self.target, check=False)
        if proc.returncode != 0:
            raise ScreenTimeout(f"the app is gone (tmux: {proc.stderr.strip()})\n{self.log()}")
        return proc.stdout

    def log(self) -> str:
        try:
            raw = self.output_log.read_bytes().decode("utf-8", "replace")
        except FileNotFoundError:
            return "(no output recorded)"
        text = re.sub(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[\]P_][^\x07\x1b]*(\x07|\x1b\\)?", "", raw)
        return "--- last output of the app ---\n" + text[-2000:]

    def send(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", self.target, *keys)

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", self.target, "-l", text)

    def wait_until(
        self, check: Callable[[str], bool], what: str, timeout: float = DEFAULT_TIMEOUT
    ) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while True:
            screen = self.capture()
            if check(screen):
                return screen
            if time.monotonic() >= deadline:
                raise ScreenTimeout(
                    f"timed out after {timeout:.0f}s waiting for {what}; screen:\n{screen}"
                )
            time.sleep(POLL)

    def wait_for(self, *texts: str, timeout: float = DEFAULT_TIMEOUT) -> str:
        return self.wait_until(
            lambda s: all(t in s for t in texts), " and ".join(map(repr, texts)), timeout
        )

    def wait_gone(self, text: str, timeout: float = DEFAULT_TIMEOUT) -> str:
        return self.wait_until(lambda s: text not in s, f"{text!r} to disappear", timeout)

    def wait_exit(self, timeout: float = DEFAULT_TIMEOUT) -> float:
        """Wait for the app (hence its session and server) to end; returns seconds taken."""
        started = time.monotonic()
        deadline = started + timeout
        while self.alive():
            if time.monotonic() >= deadline:
                raise ScreenTimeout(
                    f"the app did not exit within {timeout:.0f}s; screen:\n{self.capture()}"
                )
            time.sleep(POLL)
        return time.monotonic() - started

    def kill(self) -> None:
        self._tmux("kill-server", check=False)
        # tmux leaves its socket file behind; it is ours and unique, so tidy it away.
        tmpdir = self.env.get("TMUX_TMPDIR") or "/tmp"
        (Path(tmpdir) / f"tmux-{os.getuid()}" / self.socket).unlink(missing_ok=True)


AppLauncher = Callable[..., TmuxApp]


@pytest.fixture
def launch(tmux_bin: str, pylon_tui_bin: Path, e2e_env: E2EEnv) -> Iterator[AppLauncher]:
    """Start ``pylon-tui [args]`` as a tmux session command (80x24); servers die at teardown."""
    apps: list[TmuxApp] = []

    def start(
        *args: str,
        term: str = "xterm-256color",
        program: Sequence[str] | None = None,
        **env: str | None,
    ) -> TmuxApp:
        """``program`` replaces the pylon-tui command line (for checking the harness)."""
        run_env = e2e_env.with_(TERM=term, **env)
        # -e makes the session's environment explicit (TERM in particular: tmux would
        # otherwise set its own default-terminal for the pane).
        passed = (
            "TERM", "HOME", "LANG", "NO_COLOR", "COLORTERM",
            *(k for k in run_env if k[:4] == "XDG_"),
        )  # fmt: skip
        session_env = {k: run_env[k] for k in passed if k in run_env}
        app = TmuxApp(
            tmux=tmux_bin,
            socket=f"pylon-e2e-{os.getpid()}-{uuid.uuid4().hex[:10]}",
            env=run_env,
            output_log=e2e_env.root / f"app-output-{len(apps)}.log",
            config_file=e2e_env.root / f"tmux-{len(apps)}.conf",
        )
        apps.append(app)
        app.start(list(program) if program else [str(pylon_tui_bin), *args], session_env)
        return app

    yield start
    for app in apps:
        app.kill()
    for app in apps:
        log = app.output_log.read_bytes() if app.output_log.exists() else b""
        if TRACEBACK.encode() in log:
            pytest.fail(f"the app printed a traceback:\n{app.log()}")


# ----- reading the board off the screen ----------------------------------------------------

_COUNT = re.compile(r"(New|On You|On Hold|Closed) (\d+)")
_CARD = re.compile(r"#(\d+)\b")
TOAST_EDGE = "\u258c"  # ▌
PREVIEW_RULE = "\u2500" * 10  # ─ the rule between the columns and the preview strip


def column_header(screen: str) -> tuple[int, str] | None:
    """(line index, line) of the row of column titles with counts."""
    for index, line in enumerate(screen.splitlines()):
        if all(re.search(rf"(^|\W){re.escape(t)} \d+", line) for t in COLUMN_TITLES):
            return index, line
    return None


def screen_columns(screen: str) -> dict[str, list[int]]:
    """{column title: ticket numbers visible in it}, read by the titles' screen positions."""
    found = column_header(screen)
    assert found is not None, f"no column header on screen:\n{screen}"
    header_index, header = found
    starts = [header.index(f"{title} ") for title in COLUMN_TITLES]
    # A card row begins one cell left of its column title (the priority badge sits there).
    bounds = [max(0, s - 1) for s in starts] + [10_000]
    columns: dict[str, list[int]] = {t: [] for t in COLUMN_TITLES}
    for line in screen.splitlines()[header_index + 1 :]:
        if line.startswith(PREVIEW_RULE):  # below: the focused card in full, not a card
            break
        # Toasts draw over the right of the board behind a "▌" edge; they mention ticket
        # numbers too ("#47 is back On You"), so everything right of one is not a card.
        line = line.split(TOAST_EDGE, 1)[0]
        for i, title in enumerate(COLUMN_TITLES):
            cell = line[bounds[i] : bounds[i + 1]]
            columns[title] += [int(n) for n in _CARD.findall(cell)]
    return columns


def screen_counts(screen: str) -> dict[str, int]:
    found = column_header(screen)
    assert found is not None, f"no column header on screen:\n{screen}"
    return {title: int(n) for title, n in _COUNT.findall(found[1])}


def board_visible(screen: str) -> bool:
    """The board with its cards: on a first start the columns show empty while it syncs."""
    has_card = re.search(r"#\d+", screen) is not None
    return "SANDBOX" in screen and column_header(screen) is not None and has_card


def sgr_colours(raw: str) -> set[str]:
    """Colours a captured screen (``capture(escapes=True)``) uses: "30".."107" for the 16-colour
    palette, "256:N" for the 256-colour cube, "rgb:R,G,B" for truecolor."""
    found: set[str] = set()
    for params in re.findall(r"\x1b\[([0-9;:]*)m", raw):
        parts = [p for p in re.split("[;:]", params) if p != ""]
        i = 0
        while i < len(parts):
            code = int(parts[i])
            if code in (38, 48, 58) and i + 1 < len(parts):
                if parts[i + 1] == "5" and i + 2 < len(parts):
                    found.add(f"256:{int(parts[i + 2])}")
                    i += 3
                    continue
                if parts[i + 1] == "2" and i + 4 < len(parts):
                    found.add("rgb:" + ",".join(parts[i + 2 : i + 5]))
                    i += 5
                    continue
            if 30 <= code <= 37 or 40 <= code <= 47 or 90 <= code <= 97 or 100 <= code <= 107:
                found.add(str(code))
            i += 1
    return found

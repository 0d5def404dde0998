"""A peer in the bench (`bench/run.py --peer kanban-tui`): the same N cards on kanban-tui.

kanban-tui (the Textual Kanban board on PyPI) draws one widget per card. It is installed
into a throwaway venv (`--peer-venv`, reused between runs; never this project's venv), its
SQLite store is seeded with the cards pylon-tui's board shows (same titles, prefixed with
`#<number> ` so the same first-card pattern times both, spread over four visible columns
as pylon-tui spreads them), and both boards are started in turn under the same pty
(pty_run.py): first paint, peak RSS, and per-key latency = key written to the first byte
of the frame it causes (`j` focus down, `L`/`H` move). Ratios are peer / pylon-tui.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import emit, loaded_fixture, median, percentile
from bench.first_paint import OFFLINE, home_env, prime_home
from bench.pty_run import Launch, pylon_tui_command, run_pty

PEER = "kanban-tui"
COLUMNS = ("New", "On You", "On Hold", "Closed")

# Runs inside the peer's venv: kanban-tui's own functions create the store and the board;
# the cards go in with one executemany (its per-task function would take minutes at 10k).
SEED = """
import datetime, json, sqlite3, sys
from kanban_tui.backends.sqlite.database import create_new_board_db, init_new_db
db, cards_file, columns = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
init_new_db(database=db)
create_new_board_db("pylon", icon=":ticket:", column_dict={c: True for c in columns}, database=db)
with sqlite3.connect(db) as con:
    ids = [r[0] for r in con.execute("SELECT column_id FROM columns ORDER BY position")]
    now = datetime.datetime.now().replace(microsecond=0).isoformat(sep=" ")
    cards = json.load(open(cards_file))
    con.executemany(
        "INSERT INTO tasks (title, column, category, description, creation_date)"
        " VALUES (?, ?, NULL, '', ?)",
        [(title, ids[column], now) for column, title in cards],
    )
print(len(cards))
"""
CONFIG = """[board]
columns_in_view = 4

[backend]
mode = "sqlite"

[backend.sqlite_settings]
database_path = "{db}"
active_board_id = 1
"""


def ensure_venv(venv: Path) -> Path:
    """kanban-tui in its own venv (created once, reused); returns its `ktui` command."""
    command = venv / "bin" / "ktui"
    if command.exists():
        return command
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", PEER]
    subprocess.run(pip, check=True)
    return command


def seed(venv: Path, home: Path, cards: list[tuple[int, str]]) -> dict[str, str]:
    """A fresh HOME whose kanban-tui store holds `cards`; returns the env to start it in."""
    env = home_env(home)
    data = Path(env["XDG_DATA_HOME"]) / "kanban_tui"
    config = Path(env["XDG_CONFIG_HOME"]) / "kanban_tui"
    data.mkdir(parents=True, exist_ok=True)
    config.mkdir(parents=True, exist_ok=True)
    db = data / "kanban_tui.db"
    db.unlink(missing_ok=True)
    (config / "config.toml").write_text(CONFIG.format(db=db))
    cards_file = home / "cards.json"
    cards_file.write_text(json.dumps(cards))
    python = str(venv / "bin" / "python")
    argv = [python, "-c", SEED, str(db), str(cards_file), json.dumps(list(COLUMNS))]
    subprocess.run(argv, check=True, env=os.environ | env, capture_output=True)
    return env


@dataclass
class Side:
    """One board's pty figures, pooled over the interleaved runs."""

    first_paint_s: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    focus_ms: list[float] = field(default_factory=list)
    move_ms: list[float] = field(default_factory=list)


def measure(launch: Launch, side: Side, presses: int, moves: int) -> None:
    result = run_pty(launch, presses, moves=moves, timed=True)
    side.first_paint_s.append(result.first_paint_s)
    side.rss_mb.append(result.peak_rss_kb / 1024)
    side.focus_ms += result.key_ms.get("focus_down", [])
    side.move_ms += result.key_ms.get("card_move", [])


def interleaved(
    pylon: Launch, peer: Launch, runs: int, presses: int, moves: int
) -> tuple[Side, Side]:
    ours, theirs = Side(), Side()
    for _ in range(runs):
        started = time.perf_counter()
        measure(pylon, ours, presses, moves)
        measure(peer, theirs, presses, moves)
        print(f"# peer run took {time.perf_counter() - started:.0f}s", file=sys.stderr)
    return ours, theirs


def peer_metrics(
    db: Path, n: int, runs: int, presses: int, max_moves: int, tmp: Path, venv: Path
) -> None:
    """Metric 7: kanban-tui with the same cards, started in turn with pylon-tui on the same
    pty; each figure for both boards, then the ratio peer / pylon-tui."""
    fixture = asyncio.run(loaded_fixture(db))
    board = fixture.service.board
    cards = [
        (index, f"#{t.number} {t.title}")
        for index in range(len(board.columns))
        for t in board.column(index)
    ]
    fixture.sandbox.close()
    command = ensure_venv(venv)
    peer = Launch([str(command)], seed(venv, tmp / "home-peer", cards), quit_key=b"\x11")
    home = tmp / "home-peer-pylon"
    prime_home(home, n)
    pylon = Launch(pylon_tui_command(), home_env(home) | OFFLINE)
    moves = min(presses, max_moves)
    ours, theirs = interleaved(pylon, peer, runs, presses, moves)
    info: dict[str, object] = {"peer": PEER, "cards": len(cards), "runs": runs}
    figures = [
        ("first_paint", "s", median(ours.first_paint_s), median(theirs.first_paint_s)),
        ("peak_rss", "MiB", median(ours.rss_mb), median(theirs.rss_mb)),
        ("focus_down_p95", "ms", _p95(ours.focus_ms), _p95(theirs.focus_ms)),
        ("card_move_p95", "ms", _p95(ours.move_ms), _p95(theirs.move_ms)),
    ]
    for name, unit, mine, other in figures:
        emit(f"pty_{name}", n, mine, unit, None, info=info | {"board": "pylon-tui"})
        emit(f"peer_{name}", n, other, unit, None, info=info | {"board": PEER})
        emit(
            f"peer_over_pylon_{name}_ratio",
            n,
            other / mine if mine else math.nan,
            "x",
            None,
            info=info | {"note": f"{PEER} / pylon-tui: above 1 means pylon-tui is ahead"},
        )


def _p95(values: list[float]) -> float:
    drawn = [v for v in values if not math.isnan(v)]
    return percentile(drawn, 95) if drawn else math.nan

"""Starting on a read-only cache folder (chmod'ed, or another user's files): the cached board
still shows with the queued changes on it, a note says why it is read-only and how to fix
it, new changes are refused, and the file is left exactly as it was (not moved aside).

Real permissions need a user they apply to: as root, the child runs without the
capabilities that let root ignore file modes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pylon_tui.domain import Ticket
from pylon_tui.sync.intents import Move
from pylon_tui.sync.store import Store

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

CHILD = """
import asyncio, json, sys
from pathlib import Path
from pylon_tui.domain import DEFAULT_COLUMNS
from pylon_tui.sync.intents import Move
from pylon_tui.sync.outbox import ActionNotSaved
from pylon_tui.sync.service import BoardService
from pylon_tui.sync.store import Store, StoreUnavailable

try:
    opened = Store.open(Path(sys.argv[1]))
except StoreUnavailable as error:
    print(json.dumps({"error": str(error)}))
    sys.exit(0)
service = BoardService(object(), DEFAULT_COLUMNS, store=opened.store)  # never asked
out = {"painted": service.paint_from_cache(), "notes": opened.notes}
out["pending"] = service.pending_count()
out["reason"] = service.read_only_reason
out["state"] = service.board.get("iss-1").state
try:
    service.begin(Move("iss-2", "closed"))
    out["refused"] = None
except ActionNotSaved as error:
    out["refused"] = str(error)
report = asyncio.run(service.drain())
out["sent"] = len(report.sent)
print(json.dumps(out))
"""


@pytest.fixture
def folder() -> Iterator[Path]:
    """A folder of our own, so chmod-ing it touches nothing else."""
    path = Path(tempfile.mkdtemp(prefix="pylon-ro-"))
    path.chmod(0o755)
    yield path
    path.chmod(0o755)
    shutil.rmtree(path)


def without_override() -> list[str]:
    """Root ignores file modes; without these capabilities its own 0444/0555 bind it too."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search,-fowner"]


def run_read_only_child(cache: Path) -> dict[str, Any]:
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [*without_override(), sys.executable, "-c", CHILD, str(cache)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd="/",
        env={"PYTHONPATH": str(root), "PATH": os.environ.get("PATH", "")},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr == "", "no traceback, no warning"
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def ticket(n: int) -> Ticket:
    return Ticket(f"iss-{n}", n, f"Ticket {n}", "new", T0, T0)


def test_a_read_only_folder_shows_the_board_and_refuses_changes(folder: Path) -> None:
    cache = folder / "cache.sqlite3"
    store = Store(cache)
    store.replace_tickets([ticket(1), ticket(2)])
    queued = Move("iss-1", "waiting_on_you")
    store.enqueue(queued, ticket(1))
    store.close()
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    cache.chmod(0o444)
    folder.chmod(0o555)

    out = run_read_only_child(cache)

    assert out["painted"] == 2
    assert out["state"] == "waiting_on_you", "the queued change shows on the board"
    assert out["pending"] == 1
    assert out["sent"] == 0, "a read-only cache never sends what it could not record"
    [note] = out["notes"]
    assert "read-only" in note
    assert "Fix: make" in note
    assert "read-only" in out["reason"]
    assert out["refused"].startswith("Could not save move #2 to closed: ")
    folder.chmod(0o755)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before, "left as it was"
    assert [q.action.client_key for q in Store(cache).queued()] == [queued.client_key]


def test_no_cache_and_a_read_only_folder_is_one_clear_error(folder: Path) -> None:
    folder.chmod(0o555)
    out = run_read_only_child(folder / "cache.sqlite3")
    assert "error" in out, out
    assert "\n" not in out["error"]
    assert "is read-only" in out["error"]
    assert "make " in out["error"], "with the fix"

"""Metrics 3 and 4, child side: the real board in a real terminal (run under a pty by run.py).

    python -m bench.first_paint --db SANDBOX.db [--marks FILE]

Starts the app the way `pylon-tui` does (autoload on: the first refresh loads the board in a
worker), against an already-seeded sandbox file, with no periodic refresh. Phase timestamps
(time.time()) go to --marks so the parent can split the start-up time.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

STARTED = time.time()


class Marks:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.items: dict[str, float] = {"python_started": STARTED}

    def mark(self, name: str) -> None:
        self.items[name] = time.time()
        if self.path is not None:
            self.path.write_text(json.dumps(self.items))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--marks", type=Path)
    args = parser.parse_args()
    marks = Marks(args.marks)

    from bench.common import BASE_URL, columns
    from pylon_tui.api.budget import RateBudget
    from pylon_tui.api.pylon import PylonClient
    from pylon_tui.sandbox import Sandbox, SandboxTransport
    from pylon_tui.sync.service import BoardService
    from pylon_tui.tui.app import PylonApp
    from pylon_tui.tui.context import AppContext

    marks.mark("imported")
    sandbox = Sandbox(args.db)
    client = PylonClient(
        BASE_URL, None, transport=SandboxTransport(sandbox), budget=RateBudget.unlimited()
    )
    service = BoardService(client, columns())
    original_load = service.load

    async def timed_load() -> int:
        marks.mark("load_started")
        count = await original_load()
        marks.mark("load_done")
        return count

    service.load = timed_load  # type: ignore[method-assign]
    app = PylonApp(AppContext(service, sandbox=True, refresh_seconds=0), autoload=True)
    marks.mark("app_built")
    try:
        app.run()
    finally:
        sandbox.close()


if __name__ == "__main__":
    main()

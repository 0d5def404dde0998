"""Metric 5: HTTP requests per incremental refresh (and, for context, per full load)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.common import loaded_fixture


@dataclass
class RequestCounts:
    full_load: int
    full_load_paths: list[str]
    refresh: int
    refresh_paths: list[str]
    board_tickets: int


async def count_requests(db_path: Path) -> RequestCounts:
    fixture = await loaded_fixture(db_path)  # the load goes through the counter too
    try:
        loaded = [f"{method} {path}" for method, path in fixture.transport.requests]
        full_load = len(loaded)
        fixture.transport.reset()
        await fixture.service.refresh()
        paths = [f"{method} {path}" for method, path in fixture.transport.requests]
        return RequestCounts(full_load, loaded, len(paths), paths, len(fixture.service.board))
    finally:
        fixture.sandbox.close()

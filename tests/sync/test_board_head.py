"""The board's head: a big cache paints each column's first cards first, then the rest.

What must hold: the head's cards are exactly the full board's first cards, its titles count
the whole cache, it never claims "loaded", queued changes show on it, and any head that is
missing, damaged or made for other columns falls back to decoding the whole cache.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from pylon_tui.api.pylon import PylonClient
from pylon_tui.domain import DEFAULT_COLUMNS, Column
from pylon_tui.sandbox import Sandbox, SandboxTransport
from pylon_tui.sync.head import HEAD_CARDS, HEAD_KEY, SMALL_CACHE
from pylon_tui.sync.intents import Move
from pylon_tui.sync.outbox import ActionQueued
from pylon_tui.sync.service import BoardService
from pylon_tui.sync.store import Store

BIG = SMALL_CACHE + 300


class Switch(httpx.AsyncBaseTransport):
    def __init__(self, sandbox: Sandbox) -> None:
        self.inner = SandboxTransport(sandbox)
        self.down = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("network is down", request=request)
        return await self.inner.handle_async_request(request)


@pytest.fixture(scope="module")
def big_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Sandbox:
    sandbox = Sandbox(tmp_path_factory.mktemp("head") / "sb.sqlite3")
    sandbox.reseed(BIG)
    return sandbox


def service_over(
    sandbox: Sandbox, store: Store, columns: tuple[Column, ...] = DEFAULT_COLUMNS
) -> tuple[BoardService, Switch]:
    switch = Switch(sandbox)
    client = PylonClient("https://api.usepylon.com", None, transport=switch)
    return BoardService(client, columns, store=store), switch


async def loaded_cache(sandbox: Sandbox, path: Path) -> BoardService:
    store = Store(path)
    service, _ = service_over(sandbox, store)
    await service.load()
    return service


def first_ids(service: BoardService, index: int) -> list[str]:
    return [t.id for t in service.board.column(index)[:HEAD_CARDS]]


async def test_head_paints_the_columns_first_cards_and_counts_the_whole_cache(
    big_sandbox: Sandbox, tmp_path: Path
) -> None:
    full = await loaded_cache(big_sandbox, tmp_path / "c.sqlite3")
    assert len(full.board) > SMALL_CACHE
    expected = {i: first_ids(full, i) for i in range(len(DEFAULT_COLUMNS))}
    totals = [len(full.board.column(i)) for i in range(len(DEFAULT_COLUMNS))]
    full.store.close()

    again, _ = service_over(big_sandbox, Store(tmp_path / "c.sqlite3"))
    assert again.paint_head() is True
    board = again.board
    assert board.partial
    assert len(board) <= HEAD_CARDS * len(DEFAULT_COLUMNS) < len(full.board)
    for index in range(len(DEFAULT_COLUMNS)):
        assert first_ids(again, index) == expected[index]
        assert board.column_total(index) == totals[index]
    assert not again.loaded, "a head is not a loaded board: nothing may read as empty"
    assert again.directory.accounts, "names come with the head: cards show account names"

    assert again.paint_from_cache() == len(full.board)
    assert not again.board.partial
    assert [again.board.column_total(i) for i in range(len(DEFAULT_COLUMNS))] == totals
    assert again.loaded


async def test_a_small_cache_has_no_head_paint(tmp_path: Path) -> None:
    sandbox = Sandbox(tmp_path / "small.sqlite3")
    sandbox.ensure_seeded()  # the demo's 80 tickets
    service = await loaded_cache(sandbox, tmp_path / "c.sqlite3")
    service.store.close()
    again, _ = service_over(sandbox, Store(tmp_path / "c.sqlite3"))
    assert again.paint_head() is False
    assert len(again.board) == 0, "nothing half-painted: the caller decodes it all"


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "not json",
        '{"columns": []}',
        '{"columns": ["new"], "totals": [-1], "ids": [], "cached": 9999}',
    ],
)
async def test_a_damaged_head_falls_back_to_the_whole_cache(
    big_sandbox: Sandbox, tmp_path: Path, stored: str
) -> None:
    service = await loaded_cache(big_sandbox, tmp_path / "c.sqlite3")
    count = len(service.board)
    service.store.set_meta(**{HEAD_KEY: stored})
    service.store.close()
    again, _ = service_over(big_sandbox, Store(tmp_path / "c.sqlite3"))
    assert again.paint_head() is False
    assert again.paint_from_cache() == count


async def test_a_head_saved_for_other_columns_is_not_used(
    big_sandbox: Sandbox, tmp_path: Path
) -> None:
    service = await loaded_cache(big_sandbox, tmp_path / "c.sqlite3")
    service.store.close()
    fewer = DEFAULT_COLUMNS[:3]
    again, _ = service_over(big_sandbox, Store(tmp_path / "c.sqlite3"), fewer)
    assert again.paint_head() is False


async def test_a_queued_move_shows_on_the_head_and_is_counted_once(
    big_sandbox: Sandbox, tmp_path: Path
) -> None:
    service = await loaded_cache(big_sandbox, tmp_path / "c.sqlite3")
    ticket = service.board.column(0)[0]
    switch = Switch(big_sandbox)
    switch.down = True
    service.client = PylonClient("https://api.usepylon.com", None, transport=switch)
    service.outbox.client = service.client
    with pytest.raises(ActionQueued):
        await service.run(Move(ticket.id, "waiting_on_you", base_updated_at=ticket.updated_at))
    service._save_cursors()  # what the next refresh's save does
    totals = [len(service.board.column(i)) for i in range(len(DEFAULT_COLUMNS))]
    service.store.close()

    again, _ = service_over(big_sandbox, Store(tmp_path / "c.sqlite3"))
    assert again.paint_head() is True
    moved = again.board.get(ticket.id)
    assert moved is not None
    assert moved.state == "waiting_on_you"
    assert [again.board.column_total(i) for i in range(len(DEFAULT_COLUMNS))] == totals
    again.paint_from_cache()
    assert [again.board.column_total(i) for i in range(len(DEFAULT_COLUMNS))] == totals

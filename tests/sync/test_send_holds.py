"""Undo send and the collision guard (issue 15): a reply or note waits its grace period in
the outbox, undo takes it back for good (also across a restart), and a reply the customer
wrote past is held with the new messages until the user decides."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pylon_tui.sandbox import Sandbox
from pylon_tui.sync.intents import Note, Reply
from pylon_tui.sync.service import BoardService
from pylon_tui.sync.store import SCHEMA_VERSION, Store
from tests.sync.test_outbox import service_for


class Clock:
    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    sb = Sandbox(tmp_path / "sb.sqlite3")
    sb.ensure_seeded()
    return sb


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache.sqlite3"


def posts(switch: Any, ticket_id: str) -> int:
    log = switch.log
    return sum(1 for method, path in log if method == "POST" and ticket_id in path)


async def _first_reply(service: BoardService, ticket_id: str) -> Reply:
    messages = await service.messages(ticket_id)
    customer = next(m for m in messages if not m.is_private)
    return Reply(ticket_id, customer.id, "<p>Fixed in 4.2</p>")


async def test_a_reply_waits_its_grace_period_then_goes_once(sandbox: Sandbox, cache: Path) -> None:
    service, switch = await service_for(sandbox, Store(cache))
    clock = Clock(1_000_000.0)
    service.outbox.holds.clock = clock
    service.outbox._clock = clock
    await service.load()
    ticket = service.board.column(0)[0]
    reply = await _first_reply(service, ticket.id)
    service.begin_later(reply, grace=10, seen_at=None)
    [waiting] = service.waiting_sends()
    assert waiting.seconds_left(clock.now) == 10
    report = await service.drain()
    assert report.sent == [], "nothing goes inside the grace"
    assert posts(switch, ticket.id) == 0, "nothing goes inside the grace"
    clock.now += 10.5
    report = await service.drain()
    assert report.sent == [reply]
    assert posts(switch, ticket.id) == 1
    assert service.waiting_sends() == []
    assert service.pending_count() == 0


async def test_undo_during_the_grace_period_never_sends_even_across_a_restart(
    sandbox: Sandbox, cache: Path
) -> None:
    service, switch = await service_for(sandbox, Store(cache))
    await service.load()
    ticket = service.board.column(0)[0]
    note = Note(ticket.id, "<p>internal</p>")
    service.begin_later(note, grace=10, seen_at=None)
    assert service.take_back(note.client_key) is True
    assert service.take_back(note.client_key) is False, "only once"
    service.store.close()

    # A restart long after the grace period: the taken-back note is nowhere.
    later, switch2 = await service_for(sandbox, Store(cache))
    later.paint_from_cache()
    later.outbox._clock = lambda: 9e12
    later.outbox.holds.clock = lambda: 9e12
    report = await later.drain()
    assert report.sent == []
    assert later.pending_count() == 0
    assert posts(switch, ticket.id) == 0
    assert posts(switch2, ticket.id) == 0


async def test_a_restart_inside_the_grace_period_keeps_the_countdown_and_the_undo(
    sandbox: Sandbox, cache: Path
) -> None:
    service, _ = await service_for(sandbox, Store(cache))
    await service.load()
    ticket = service.board.column(0)[0]
    note = Note(ticket.id, "<p>internal</p>")
    service.begin_later(note, grace=30, seen_at=None)
    service.store.close()

    again, switch = await service_for(sandbox, Store(cache))
    again.paint_from_cache()  # make_all_due must not end the grace period
    assert await again.drain() is not None
    assert posts(switch, ticket.id) == 0
    [waiting] = again.waiting_sends()
    assert waiting.action == note
    assert 25 <= waiting.seconds_left(__import__("time").time()) <= 30
    assert again.take_back(note.client_key) is True
    assert again.pending_count() == 0


async def test_undo_after_the_send_began_is_refused(sandbox: Sandbox, cache: Path) -> None:
    service, switch = await service_for(sandbox, Store(cache))
    await service.load()
    ticket = service.board.column(0)[0]
    note = Note(ticket.id, "<p>internal</p>")
    service.begin_later(note, grace=0, seen_at=None)
    await service.drain()
    assert posts(switch, ticket.id) == 1
    assert service.take_back(note.client_key) is False


async def test_a_customer_message_during_the_wait_holds_the_reply(
    sandbox: Sandbox, cache: Path
) -> None:
    service, switch = await service_for(sandbox, Store(cache))
    await service.load()
    ticket = service.board.column(1)[0]
    reply = await _first_reply(service, ticket.id)
    import time

    service.begin_later(reply, grace=0, seen_at=time.time() - 1)
    sandbox.customer_message(ticket.id, "<p>Actually it works now, never mind</p>")
    report = await service.drain()
    assert report.sent == [], "held, not sent"
    assert posts(switch, ticket.id) == 0, "held, not sent"
    [held] = report.held
    assert held.action == reply
    assert any("never mind" in m.html for m in held.new)
    [waiting] = service.waiting_sends()
    assert waiting.held
    assert (await service.drain()).sent == [], "a held reply waits whatever the clock says"

    assert service.release_held(reply.client_key)
    report = await service.drain()
    assert report.sent == [reply]
    assert posts(switch, ticket.id) == 1


async def test_dropping_a_held_reply_sends_nothing(sandbox: Sandbox, cache: Path) -> None:
    service, switch = await service_for(sandbox, Store(cache))
    await service.load()
    ticket = service.board.column(1)[0]
    reply = await _first_reply(service, ticket.id)
    import time

    service.begin_later(reply, grace=0, seen_at=time.time() - 1)
    sandbox.customer_message(ticket.id, "<p>hello?</p>")
    assert (await service.drain()).held
    assert service.take_back(reply.client_key) is True
    assert (await service.drain()).sent == []
    assert posts(switch, ticket.id) == 0


def test_v4_cache_migrates_to_v5(cache: Path) -> None:
    store = Store(cache)
    assert store.schema_version == SCHEMA_VERSION == 5
    store.write_draft("t", "reply", "hi")
    assert store.draft_started_at("t", "reply") is not None

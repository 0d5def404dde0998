"""Any bytes in the cache file either open (board painted, queue readable, a change can be
queued) or are moved aside with a message, the bytes kept as they were. Nothing else: no
exception reaches the caller, whatever the file holds.

Two sources of bytes: anything at all, and a real cache (tickets, names, cursors, a queue)
with bytes flipped or the tail cut off, which is what a disk or a crash leaves behind.
"""

from __future__ import annotations

import sqlite3
import tempfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pylon_tui.domain import DEFAULT_COLUMNS, Category, Priority, StateInfo, Team, Ticket, User
from pylon_tui.sync.intents import (
    INTENT_TYPES,
    Assign,
    Intent,
    Link,
    Move,
    Note,
    Reply,
    SetPriority,
    SetTags,
    Snooze,
    Unlink,
)
from pylon_tui.sync.service import BoardService
from pylon_tui.sync.store import Store

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def one_of_each_kind() -> list[Intent]:
    url = "https://linear.app/x/issue/ENG-1"
    intents: list[Intent] = [
        Move("iss-1", "closed"),
        SetPriority("iss-2", Priority.HIGH),
        Assign("iss-3", "u1"),
        Link("iss-4", "lin-1", url=url, label="ENG-1"),
        Reply("iss-5", "msg-1", "<p>hello</p>"),
        Note("iss-6", "<p>hello</p>"),
        Unlink("iss-7", "lin-1", url=url, label="ENG-1"),
        SetTags("iss-8", ("billing", "vip")),
        Snooze("iss-9", T0 + timedelta(hours=1)),
    ]
    return [
        replace(intent, base_updated_at=T0, client_key=f"key-{n}")
        for n, intent in enumerate(intents)
    ]


@cache
def healthy_cache() -> bytes:
    """A cache as the app leaves it: every table has rows, the queue has every kind."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cache.sqlite3"
        store = Store.open(path).store
        tickets = [
            Ticket(f"iss-{n}", n, f"Ticket {n} ✓ «quoted»", "new", T0, T0) for n in range(1, 60)
        ]
        store.replace_tickets(tickets)
        store.save_names(
            [User(f"u{n}", f"User {n}", f"u{n}@example.com") for n in range(20)],
            [Team("t1", "Support")],
            [],
            [StateInfo("new", "New", Category.NEW)],
        )
        store.set_meta(last_refresh=T0.isoformat(), last_full=T0.isoformat())
        for n, action in enumerate(one_of_each_kind()):
            store.enqueue(action, tickets[n])
        store.note_attempt_started("key-0", may_land_until=2e9)
        store.close()
        return path.read_bytes()


def opens_or_moves_aside(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cache.sqlite3"
        path.write_bytes(data)
        opened = Store.open(path)  # must not raise
        store = opened.store
        service = BoardService(object(), DEFAULT_COLUMNS, store=store)  # type: ignore[arg-type]
        painted = service.paint_from_cache()
        asides = [
            p for p in Path(folder).glob("*.corrupt-*") if not p.name.endswith(("-wal", "-shm"))
        ]
        if asides:
            [aside] = asides
            assert any(str(aside) in note for note in opened.notes), opened.notes
            if opened.moved_aside is not None:
                assert aside.read_bytes() == data, "moved aside as it was, never rewritten"
        else:
            assert opened.moved_aside is None
        assert painted >= len(list(service.board.all())), "one card per ticket id"
        queued = store.queued()
        assert service.pending_count() == len(queued)
        service.begin(Move("iss-1", "closed"))  # the cache takes changes
        assert service.pending_count() == len(queued) + 1
        store.close()
        sqlite3.connect(path).close()


@SETTINGS
@given(st.binary(max_size=20_000))
def test_any_bytes_open_or_are_moved_aside(data: bytes) -> None:
    opens_or_moves_aside(data)


@SETTINGS
@given(st.binary(min_size=1, max_size=200))
def test_a_sqlite_header_followed_by_anything(tail: bytes) -> None:
    opens_or_moves_aside(healthy_cache()[:100] + tail)


@SETTINGS
@given(
    flips=st.lists(
        st.tuples(st.integers(min_value=0), st.integers(min_value=1, max_value=255)),
        min_size=1,
        max_size=600,
    ),
    cut=st.one_of(st.none(), st.floats(min_value=0.0, max_value=1.0)),
)
def test_a_real_cache_with_flipped_bytes_or_cut_short(
    flips: list[tuple[int, int]], cut: float | None
) -> None:
    data = bytearray(healthy_cache())
    for offset, mask in flips:
        data[offset % len(data)] ^= mask
    if cut is not None:
        data = data[: int(len(data) * cut)]
    opens_or_moves_aside(bytes(data))


def test_the_healthy_cache_opens_untouched() -> None:
    """The baseline the damage starts from: nothing is skipped or moved."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cache.sqlite3"
        path.write_bytes(healthy_cache())
        opened = Store.open(path)
        service = BoardService(object(), DEFAULT_COLUMNS, store=opened.store)  # type: ignore[arg-type]
        assert service.paint_from_cache() == 59
        assert opened.notes == []
        assert service.pending_count() == len(INTENT_TYPES)
        opened.store.close()

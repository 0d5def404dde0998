"""The outbox row format of queued intents is frozen: rows written by earlier releases read
back as the same intents, and rows written now are byte for byte what those releases wrote
(so a downgrade still reads the user's queued work).

The rows below are literals, copied from what the old `Action`-based `Store.enqueue` wrote
for each caller (`kind`, `value`, `json.dumps(extra)`), never computed with today's code.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pylon_tui.domain import Priority
from pylon_tui.sync.codec import intent_from_row, intent_to_row
from pylon_tui.sync.intents import Assign, Intent, Link, Move, Note, Reply, SetPriority, Unlink
from pylon_tui.sync.store import Store

BASE = datetime(2025, 3, 2, 14, 0, tzinfo=timezone(timedelta(hours=5, minutes=30)))
KEY = "0f3c2a"
ENG_9 = "https://linear.app/acme/issue/ENG-9"

Row = tuple[str, str | None, str]

# (what the old code wrote, the intent it means, written again the same way?)
GOLDEN: list[tuple[Row, Intent, bool]] = [
    # board.py's moves (H/L, the picker, undo), the CLI's `move`, the watcher's auto-return
    (("move", "waiting_on_you", "{}"), Move("iss-1", "waiting_on_you"), True),
    # keys 1-4 and 0 ("" became None before it was stored)
    (("priority", "urgent", "{}"), SetPriority("iss-1", Priority.URGENT), True),
    (("priority", None, "{}"), SetPriority("iss-1", None), True),
    # the assign picker and A; its "Unassign" row stored None
    (("assign", "user-7", "{}"), Assign("iss-1", "user-7"), True),
    (("assign", None, "{}"), Assign("iss-1", None), True),
    # the hold dialog and `move --link`: all three keys, in this order
    (
        ("link", "uuid-9", f'{{"source": "linear", "url": "{ENG_9}", "label": "ENG-9"}}'),
        Link("iss-1", "uuid-9", source="linear", url=ENG_9, label="ENG-9"),
        True,
    ),
    # the soak bench's links: a source and nothing else
    (("link", "uuid-9", '{"source": "linear"}'), Link("iss-1", "uuid-9"), True),
    # replies and notes; json.dumps escapes what is not ASCII
    (
        ("reply", "msg-1", '{"body_html": "<p>On it!</p>"}'),
        Reply("iss-1", "msg-1", "<p>On it!</p>"),
        True,
    ),
    (
        ("note", None, '{"body_html": "<p>caf\\u00e9 \\ud83d\\ude80 \\"q\\"</p>"}'),
        Note("iss-1", '<p>café 🚀 "q"</p>'),
        True,
    ),
    # undo of a link (new kind "unlink": older releases refuse the row, never link instead)
    (
        ("unlink", "acme/w/1", '{"source": "github", "label": "acme/w#1"}'),
        Unlink("iss-1", "acme/w/1", source="github", label="acme/w#1"),
        True,
    ),
    # ----- quirks: rows that read back as the old code read them (not written again so) ---
    (("assign", "", "{}"), Assign("iss-1", None), False),  # "" unassigned too
    (("priority", "URGENT ", "{}"), SetPriority("iss-1", Priority.URGENT), False),
    (("priority", "bogus", "{}"), SetPriority("iss-1", None), False),  # unknown clears
    (("priority", "", "{}"), SetPriority("iss-1", None), False),
    (("link", "uuid-9", "{}"), Link("iss-1", "uuid-9", source="linear"), False),
    (
        ("link", "gh/r/1", '{"label": "gh/r/1", "source": "github"}'),  # other key order
        Link("iss-1", "gh/r/1", source="github", label="gh/r/1"),
        False,
    ),
    (("note", "ignored", '{"body_html": "<p>x</p>"}'), Note("iss-1", "<p>x</p>"), False),
    (("reply", "msg-1", "{}"), Reply("iss-1", "msg-1", ""), False),  # no body: empty
    (("move", None, "{}"), Move("iss-1", ""), False),  # a move to nowhere changes nothing
]
IDS = [f"{row[0]}-{row[1]!s}-{n}" for n, (row, _, _) in enumerate(GOLDEN)]
WRITTEN = [(row, intent) for row, intent, same_row in GOLDEN if same_row]


def keyed(intent: Intent, key: str = KEY) -> Intent:
    return replace(intent, base_updated_at=BASE, client_key=key)


@pytest.mark.parametrize(("row", "intent", "same_row"), GOLDEN, ids=IDS)
def test_rows_written_by_the_old_code_decode(row: Row, intent: Intent, same_row: bool) -> None:
    kind, value, extra = row
    assert intent_from_row(kind, "iss-1", value, extra, BASE, KEY) == keyed(intent)


@pytest.mark.parametrize(("row", "intent"), WRITTEN, ids=[r[0] for r, _ in WRITTEN])
def test_new_rows_are_what_the_old_code_wrote(row: Row, intent: Intent) -> None:
    """Quirky old rows (above, last) read as before but are written in the usual form."""
    assert intent_to_row(intent) == row


def test_old_rows_in_a_cache_file_read_back_and_new_rows_match_them(tmp_path: Path) -> None:
    """Through the real store: literal old rows inserted by SQL come back as the intents,
    and enqueueing those intents writes the very same column values."""
    written = WRITTEN
    old_path, new_path = tmp_path / "old.sqlite3", tmp_path / "new.sqlite3"
    Store(old_path).close()
    db = sqlite3.connect(old_path)
    for n, ((kind, value, extra), _) in enumerate(written):
        db.execute(
            "INSERT INTO outbox(client_key, ticket_id, kind, value, extra, base_updated_at,"
            " created_at) VALUES (?, 'iss-1', ?, ?, ?, ?, 1000.0)",
            (f"k{n}", kind, value, extra, BASE.isoformat()),
        )
    db.commit()
    db.close()
    old = Store(old_path)
    read = [q.action for q in old.queued()]
    old.close()
    assert read == [keyed(intent, f"k{n}") for n, (_, intent) in enumerate(written)]

    new = Store(new_path)
    for intent in read:
        new.enqueue(intent, None)
    new.close()
    select = "SELECT kind, value, extra, base_updated_at FROM outbox ORDER BY seq"
    rows = [sqlite3.connect(p).execute(select).fetchall() for p in (old_path, new_path)]
    assert rows[0] == rows[1]
    assert [r[:3] for r in rows[1]] == [row for row, _ in written]


@pytest.mark.parametrize(
    ("kind", "extra", "reason"),
    [
        ("teleport", "{}", "unknown kind 'teleport'"),
        ("MOVE", "{}", "unknown kind 'MOVE'"),
        ("move", "{not json", "extra is not JSON"),
        ("move", "[1, 2]", "extra is not an object of strings"),
        ("reply", '{"body_html": 7}', "extra is not an object of strings"),
        ("link", '{"source": "linear", "url": null}', "extra is not an object of strings"),
    ],
)
def test_a_row_that_cannot_be_read_exactly_is_refused(kind: str, extra: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        intent_from_row(kind, "iss-1", "x", extra, None, KEY)


# ----- any intent survives the trip ---------------------------------------------------------

text = st.text(max_size=40)
some_id = st.text(min_size=1, max_size=20)
optional = st.none() | text
times = st.none() | st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=-7)), timezone(timedelta(hours=9))]),
)
common = {"base_updated_at": times, "client_key": some_id}
intents: st.SearchStrategy[Intent] = st.one_of(
    st.builds(Move, some_id, text, **common),
    st.builds(SetPriority, some_id, st.none() | st.sampled_from(Priority), **common),
    st.builds(Assign, some_id, optional, **common),
    st.builds(Link, some_id, text, source=text, url=optional, label=optional, **common),
    st.builds(Reply, some_id, text, text, **common),
    st.builds(Note, some_id, text, **common),
)


@settings(max_examples=200, deadline=None)
@given(intents)
def test_round_trip(intent: Intent) -> None:
    """intent -> row -> intent is the identity, and so is the trip through a real store."""
    kind, value, extra = intent_to_row(intent)
    back = intent_from_row(kind, intent.ticket_id, value, extra, intent.base_updated_at, "k")
    assert back == replace(intent, client_key="k")

    store = Store(":memory:")
    try:
        store.enqueue(intent, None)
        [queued] = store.queued()
    finally:
        store.close()
    assert queued.action == intent

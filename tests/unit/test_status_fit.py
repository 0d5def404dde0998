"""The status line's priorities (issue 10 item 6) and what a never-loaded board may claim
(item 2), without a terminal: the pending count and an error's fix always show; the error's
text is shortened first, then markers drop in a fixed order; nothing is lost when it fits."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from pylon_tui.api.errors import ApiError, NetworkError, RateLimitedError, ServerError
from pylon_tui.domain.safe_text import one_line
from pylon_tui.tui.load_state import LoadState
from pylon_tui.tui.widgets.bars import DROP_ORDER, fit_status, split_fix, status_pieces

FIX = "check your network connection and the base URL in config.toml"
MARKERS = {
    "sandbox": "sandbox",
    "filter": "filter: urgent",
    "selected": "2 selected",
    "hidden": "1 in other states",
}


def line(width: int, *, error: str | None = None, pending: int = 0, **marks: bool) -> str:
    pieces = status_pieces(
        sync="synced 12:00:00",
        error=error,
        hidden=1 if marks.get("hidden", True) else 0,
        selected=2 if marks.get("selected", True) else 0,
        filter_text="urgent" if marks.get("filter", True) else "",
        pending=pending,
        sandbox=marks.get("sandbox", True),
    )
    return fit_status(pieces, width).plain


def test_everything_shows_when_it_fits() -> None:
    error = f"Pylon: connection refused — {FIX}"
    wide = line(300, error=error, pending=3)
    assert wide == (
        f" sandbox  ⚠ Pylon: connection refused — {FIX} · 3 pending · filter: urgent "
        "· 2 selected · 1 in other states (o) "
    )


def test_at_80_columns_a_300_character_error_keeps_the_count_and_the_fix() -> None:
    error = "Pylon: could not connect: " + "name or service not known " * 11 + f" — {FIX}"
    assert len(error) > 300
    shown = line(80, error=error, pending=3)
    assert cell_len(shown) <= 80
    assert FIX in shown
    assert "3 pending" in shown
    assert shown.startswith(" ⚠ ")
    for marker in MARKERS.values():
        assert marker not in shown


def test_the_error_is_shortened_before_any_marker_drops() -> None:
    error = "Pylon: the service had a problem and said so at length " * 3 + " — retry later"
    shown = line(130, error=error, pending=1)
    assert cell_len(shown) <= 130
    assert "retry later" in shown
    assert "1 pending" in shown
    assert "1 in other states" in shown, "the error gave way first"
    assert "…" in shown
    tighter = line(110, error=error, pending=1)
    assert "1 in other states" not in tighter, "then the first marker drops"
    assert "2 selected" in tighter
    assert "retry later" in tighter


@dataclass(frozen=True)
class Case:
    error: str | None
    fix: str
    sync: str
    pending: int
    marks: dict[str, bool]
    width: int


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=300)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    what = draw(texts)
    fix = draw(st.text(alphabet="abcdefgh xyz;:.", min_size=0, max_size=80)).strip()
    has_error = draw(st.booleans())
    error = (f"{what} — {fix}" if fix else what) if has_error and what.strip() else None
    marks = {name: draw(st.booleans()) for name in MARKERS}
    return Case(
        error=error,
        fix=fix if error else "",
        sync=draw(texts) or "synced",
        pending=draw(st.integers(0, 10_000)),
        marks=marks,
        width=draw(st.integers(20, 220)),
    )


@settings(max_examples=300, deadline=None)
@given(cases())
def test_priorities_hold_for_any_error_and_width(case: Case) -> None:
    pieces = status_pieces(
        sync=case.sync,
        error=case.error,
        hidden=1 if case.marks["hidden"] else 0,
        selected=2 if case.marks["selected"] else 0,
        filter_text="urgent" if case.marks["filter"] else "",
        pending=case.pending,
        sandbox=case.marks["sandbox"],
    )
    fixed = "".join(text for name, text, _ in pieces if name in ("fix", "pending"))
    shown = fit_status(pieces, case.width).plain
    if cell_len(fixed) + 3 <= case.width:
        assert cell_len(shown) <= case.width
        if case.pending:
            assert f"· {case.pending} pending " in shown
        _, fix = split_fix(one_line(case.error or ""))
        if fix:
            assert fix.strip() in shown
    everything = "".join(text for _, text, _ in pieces)
    if cell_len(everything) <= case.width:
        assert shown == everything, "nothing is cut when it all fits"
    present = [name for name in DROP_ORDER if case.marks.get(name)]
    kept = [name for name in present if _marker_text(name) in shown]
    # Markers go in DROP_ORDER: once one is kept, every later one is kept too.
    assert kept == present[len(present) - len(kept) :]


def _marker_text(name: str) -> str:
    return {
        "sandbox": " sandbox ",
        "filter": "· filter: urgent ",
        "selected": "· 2 selected ",
        "hidden": "· 1 in other states (o) ",
    }[name]


# ----- what a board not loaded yet says ------------------------------------------------


@dataclass
class Source:
    loaded: bool
    last_error: ApiError | None = None


def test_not_loaded_says_why_and_the_fix_never_empty_or_inbox_zero() -> None:
    state = LoadState.of(Source(False, NetworkError("could not connect")))
    assert state.empty_text(first_column=True) == (
        f"not loaded: Pylon unreachable — {FIX}; press R to retry"
    )
    assert state.header_text() == "⚠ not loaded: Pylon unreachable"
    waiting = LoadState.of(Source(False, RateLimitedError("slow down", retry_after=42)))
    assert waiting.reason == "Pylon asked us to wait 42s"
    broken = LoadState.of(Source(False, ServerError("boom", status=502)))
    assert broken.reason == "Pylon had a server error"
    odd = LoadState.of(Source(False, ApiError("teapot \x1b[31m", status=418)))
    assert odd.reason is not None
    assert "\x1b" not in odd.reason
    assert odd.fix == "press R to retry"


def test_before_the_first_answer_it_is_loading_and_after_a_load_it_is_empty() -> None:
    first = LoadState.of(Source(False))
    assert first.empty_text(first_column=True) == "loading…"
    assert first.header_text() == "loading…"
    done = LoadState.of(Source(True, NetworkError("later refresh failed")))
    assert done.empty_text(first_column=True) == "nothing new"
    assert done.empty_text(first_column=False) == "nothing here"
    assert done.empty_text(True, filtered_out=True) == "none match the filter"
    assert done.header_text() is None, "loaded once: the header shows counts or inbox zero"

"""The screen diff (tui/screen_diff.py) against a terminal emulator it does not share code with.

pyte plays the terminal: every frame goes to one screen as Textual wrote it and to another as
the diff encoded it, and the two must show the same characters in the same look with the
cursor in the same place. A space's foreground is not compared when nothing draws it
(no underline, strike or reverse): the diff leaves such changes out on purpose.
"""

from __future__ import annotations

from types import SimpleNamespace

import pyte
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.drivers.headless_driver import HeadlessDriver
from textual.drivers.linux_driver import LinuxDriver
from textual.geometry import Size

from pylon_tui.tui.diff_driver import FULL_FRAMES_ENV, diffing
from pylon_tui.tui.screen_diff import ScreenDiff

from .fakes import build_app

WIDTH, HEIGHT = 24, 6
CHOPS = ((0, 9), (9, 10), (10, 24))
"""Like Textual's chops: a column, a one-cell scrollbar, another column."""
STYLES = (
    "",
    "1",
    "7",
    "4",
    "38;5;254;48;5;16",
    "1;38;5;203;48;5;16",
    "1;7;38;5;203;48;5;16",
    "38;5;146;48;5;16",
    "48;5;16",
    "38;2;10;20;30;48;2;1;2;3",
    "2;3;9",
    "31;42",
)
CHARS = "ab #19…·漢 é"  # ASCII, a space, ambiguous-width and wide characters


def look(cell: pyte.screens.Char) -> tuple[object, ...]:
    if cell.data == " " and not (cell.underscore or cell.strikethrough or cell.reverse):
        return (" ", cell.bg)
    return (
        cell.data,
        cell.fg,
        cell.bg,
        cell.bold,
        cell.italics,
        cell.underscore,
        cell.strikethrough,
        cell.reverse,
        cell.blink,
    )


class Pair:
    """Two emulated terminals: one fed Textual's frames, one the diff's."""

    def __init__(self) -> None:
        self.plain, self.diffed = pyte.Screen(WIDTH, HEIGHT), pyte.Screen(WIDTH, HEIGHT)
        self._plain, self._diffed = pyte.Stream(self.plain), pyte.Stream(self.diffed)
        self.diff = ScreenDiff(WIDTH, HEIGHT)
        self.sent = 0

    def feed(self, frame: str) -> str:
        encoded = self.diff.encode(frame)
        self.sent += len(encoded.encode())
        self._plain.feed(frame.replace("\n", "\r\n"))  # the tty's ONLCR
        self._diffed.feed(encoded)
        return encoded

    def assert_same(self) -> None:
        for y in range(HEIGHT):
            plain = [look(self.plain.buffer[y][x]) for x in range(WIDTH)]
            diffed = [look(self.diffed.buffer[y][x]) for x in range(WIDTH)]
            assert plain == diffed, f"row {y}: {self.plain.display[y]!r} {self.diffed.display[y]!r}"
        assert (self.plain.cursor.x, self.plain.cursor.y) == (
            self.diffed.cursor.x,
            self.diffed.cursor.y,
        )


def span(text: str, style: str) -> str:
    """A span as Rich writes it: its style, its text, a reset."""
    return f"\x1b[{style}m{text}\x1b[0m" if style else text


def cells(draw: st.DrawFn, width: int) -> list[tuple[str, str]]:
    """Spans filling exactly `width` cells (a wide character only where it fits)."""
    spans: list[tuple[str, str]] = []
    used = 0
    while used < width:
        chars = CHARS if width - used >= 2 else CHARS.replace("漢", "")
        char = draw(st.sampled_from(chars))
        size = 2 if char == "漢" else 1
        text = char * draw(st.integers(1, max(1, (width - used) // size)))
        style = draw(st.sampled_from(STYLES))
        spans.append((text, style))
        used += len(text) * size
    return spans


@st.composite
def frames(draw: st.DrawFn) -> str:
    """A Textual-like frame: whole chops of some rows, each after a cursor move, lines
    joined by newlines, the cursor parked at the end; now and then between synchronized
    output marks, with a desktop notification or a cursor mode among the rows."""
    parts: list[str] = []
    rows = draw(st.lists(st.integers(0, HEIGHT - 1), min_size=1, max_size=HEIGHT, unique=True))
    for y in sorted(rows):
        chops = draw(st.lists(st.sampled_from(CHOPS), min_size=1, max_size=3, unique=True))
        for start, end in sorted(chops):
            parts.append(f"\x1b[{y + 1};{start + 1}H")
            parts.extend(span(text, style) for text, style in cells(draw, end - start))
        parts.append(draw(st.sampled_from(["\n", "\n", "\n", "\x1b]9;moved\x07", "\x1b[?25l"])))
    park = draw(st.tuples(st.integers(1, HEIGHT), st.integers(1, WIDTH)))
    frame = "".join(parts[:-1]) + f"\x1b[{park[0]};{park[1]}H"
    return f"\x1b[?2026h{frame}\x1b[?2026l" if draw(st.booleans()) else frame


@settings(max_examples=200, deadline=None)
@given(st.lists(frames(), min_size=1, max_size=8))
def test_the_terminal_shows_what_textual_drew(sequence: list[str]) -> None:
    pair = Pair()
    for frame in sequence:
        pair.feed(frame)
        pair.assert_same()


@settings(max_examples=100, deadline=None)
@given(st.lists(frames(), min_size=2, max_size=6), st.integers(0, 5))
def test_a_forgotten_copy_rewrites_everything(sequence: list[str], at: int) -> None:
    """A clear the diff cannot follow goes out as it is, and what follows is written whole."""
    pair = Pair()
    for index, frame in enumerate(sequence):
        if index == at % len(sequence):
            encoded = pair.feed("\x1b[2J" + frame)
            assert encoded.endswith("\x1b[2J" + frame)
        else:
            pair.feed(frame)
        pair.assert_same()


def row(y: int, text: str, style: str = "38;5;254;48;5;16") -> str:
    return f"\x1b[{y};1H" + span(text, style)


def test_a_frame_drawn_again_costs_only_the_cursor() -> None:
    pair = Pair()
    frame = row(1, " U #9154 Need a copy…") + "\x1b[2;5H"
    pair.feed(frame)
    assert pair.feed(frame) == ""  # already there, cursor included
    assert pair.feed(frame.replace("2;5H", "3;1H")) == "\x1b[3;1H"


def test_only_the_changed_cells_and_style_changes_are_written() -> None:
    pair = Pair()
    fields = row(2, "  ⏱-6h 7h · Acme", "38;5;146;48;5;16") + "\x1b[3;1H"
    pair.feed(row(1, " New 800") + fields)
    encoded = pair.feed(row(1, " New 799") + fields)
    pair.assert_same()
    assert encoded == "\x1b[1;6H\x1b[38;5;254m799\x1b[3;1H"  # only the foreground changes


def test_a_space_whose_foreground_changed_is_not_written_unless_it_shows() -> None:
    pair = Pair()
    pair.feed(row(1, "      "))
    assert pair.feed(row(1, "      ", "38;5;146;48;5;16")) == ""  # invisible
    assert pair.feed(row(1, "      ", "48;5;17")) != ""  # the background shows
    pair.feed(row(2, "    ", "4;38;5;146"))
    assert pair.feed(row(2, "    ", "4;38;5;203")) != ""  # an underline's colour shows
    pair.assert_same()


def test_style_changes_are_differences_not_full_styles() -> None:
    pair = Pair()
    encoded = pair.feed(
        "\x1b[1;1H" + span(" ", "38;5;254;48;5;16") + span("U", "1;38;5;203;48;5;16")
    )
    # A space shows no foreground: the first span needs only its background.
    assert encoded == "\x1b[1;1H\x1b[0;48;5;16m \x1b[1;38;5;203mU"
    pair.assert_same()


def test_the_alternate_screen_and_a_new_size_forget_the_copy() -> None:
    pair = Pair()
    frame = row(1, "abc")
    pair.feed(frame)
    assert pair.feed("\x1b[?1049h").endswith("\x1b[?1049h")
    assert "abc" in pair.feed(frame)
    pair.diff.resize(WIDTH + 1, HEIGHT)
    assert "abc" in pair.diff.encode(frame)


def test_harmless_sequences_pass_and_keep_the_copy() -> None:
    """Synchronized output, the cursor, mouse modes and desktop notifications change no
    cell: they go out in place, and the copy still knows the screen."""
    pair = Pair()
    pair.feed(row(1, "abc"))
    frame = "\x1b[?2026h" + row(1, "abc") + "\x1b]9;#12 moved\x07\x1b[?25l\x1b[?2026l"
    assert pair.feed(frame) == "\x1b[?2026h\x1b]9;#12 moved\x07\x1b[?25l\x1b[?2026l"
    assert pair.diff.passed == 0


def test_what_it_cannot_follow_goes_out_as_it_is() -> None:
    pair = Pair()
    pair.feed(row(1, "abc"))
    for frame in (
        "\x1b]8;;https://example.com\x1b\\" + row(1, "abc") + "\x1b]8;;\x1b\\",  # a link
        row(1, "ab\x07c"),  # a bell
        row(1, "abc") + "\x1b[K",  # an erase
        "\x1b[1;1H" + "x" * (WIDTH + 1),  # past the right edge: the terminal would wrap
        row(1, "abc", "38:5:1"),  # colon-separated colours
    ):
        assert pair.feed(frame).endswith(frame)
    assert pair.diff.passed == 5
    assert "abc" in pair.feed(row(1, "abc"))  # nothing assumed after those


def test_a_wide_character_is_written_whole() -> None:
    pair = Pair()
    pair.feed(row(1, "漢字ab"))
    pair.feed(row(1, "漢x ab"))  # the right half of 字 becomes a space
    pair.assert_same()
    pair.feed(row(1, "a字 ab"))
    pair.assert_same()
    encoded = pair.feed(row(1, "a字 ab", "1"))
    assert "字" in encoded
    pair.assert_same()


def test_the_board_writes_through_the_diff_on_a_terminal_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(FULL_FRAMES_ENV, raising=False)
    driver_class = diffing(LinuxDriver)
    assert issubclass(driver_class, LinuxDriver)
    assert driver_class is not LinuxDriver
    assert diffing(HeadlessDriver) is HeadlessDriver  # the tests' driver writes no bytes
    assert build_app().driver_class.__name__ == "DiffingLinuxDriver"

    written: list[str] = []
    monkeypatch.setattr(LinuxDriver, "write", lambda _self, data: written.append(data))
    driver = driver_class.__new__(driver_class)  # no terminal here: only write is used
    driver._app = SimpleNamespace(size=Size(WIDTH, HEIGHT))  # type: ignore[assignment]
    frame = row(1, "abc") + "\x1b[2;1H"
    driver.write(frame)
    driver.write(frame)
    assert written == [first_write(frame)]  # the second frame: nothing to send
    driver._app = SimpleNamespace(size=Size(WIDTH + 2, HEIGHT))  # type: ignore[assignment]
    driver.write(frame)
    assert len(written) == 2, "a new size: the terminal's cells are not known"

    monkeypatch.setenv(FULL_FRAMES_ENV, "1")
    assert diffing(LinuxDriver) is LinuxDriver


def first_write(frame: str) -> str:
    """`frame` as the diff first writes it (style from unknown: a reset first)."""
    return ScreenDiff(WIDTH, HEIGHT).encode(frame)

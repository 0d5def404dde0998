"""Write only the terminal cells a frame changes, with only the style changes between them.

Textual writes every repainted region whole, and every span as its full style, its text and
a reset (`ESC[1;38;5;203;48;5;16mU ESC[0m`). A card move repaints the rows of two columns
whose cards shift by one; most of those cells (badges, ages, the background) and most of
each style are what the terminal already shows. Over SSH those bytes are the latency. This
is what curses does: keep a copy of the screen, and turn each frame into the cells that
differ, reached with short cursor moves and written with the smallest style changes.

A cell is left out only when the copy says the terminal shows exactly that character in a
style that looks the same (a space's foreground is invisible, so it is not compared). What
the copy cannot follow (an erase, a scroll, a hyperlink, a control character, text past the
right edge) makes it pass the frame through untouched and forget what it knew, so the worst
case is Textual's own output; a new size (`resize`) or the alternate screen forgets it too.
"""

from __future__ import annotations

from functools import lru_cache

from rich.cells import get_character_cell_size

from pylon_tui.tui.escapes import (
    CSI,
    DEFAULT,
    MOVE,
    NEWLINE,
    OSC,
    SGR,
    SPAN,
    TEXT,
    TOKEN,
    Style,
    Unsupported,
    apply,
    harmless,
    safe_modes,
    space_key,
    space_target,
    style_after,
    transition,
)

Run = tuple[int, int, int]
"""(row, first column, column after the last) of cells to write."""

GAP_CELLS = 3
"""Unchanged cells between two changed ones are rewritten rather than jumped over when at
most this many, in the same style: a cursor move costs as much."""


class _Row:
    """A row as a frame leaves it: each cell's text ("" the right half of a wide
    character, None not known) and look (a space's style as it looks), and the spans the
    frame wrote."""

    __slots__ = ("looks", "spans", "texts", "wide")

    def __init__(self, texts: list[str | None], looks: list[Style | None]) -> None:
        self.texts = texts
        self.looks = looks
        self.spans: list[tuple[int, int]] = []
        self.wide = False
        """A wide character was written (their halves need care)."""


class ScreenDiff:
    """A copy of what the terminal shows, and the encoder that writes only the changes."""

    def __init__(self, width: int = 0, height: int = 0) -> None:
        self.width = width
        self.height = height
        self._texts: dict[int, list[str | None]] = {}
        self._looks: dict[int, list[Style | None]] = {}
        self._wide: set[int] = set()
        """Rows that may hold wide characters."""
        self._style: Style = DEFAULT
        """The style the application's output is in (Textual resets after every span)."""
        self._out_style: Style | None = None
        """The style the terminal is in, None when not known."""
        self._out_cursor: tuple[int, int] | None = None
        self._cursor = (-1, -1)
        """The application's cursor ((-1, -1): not known; Textual moves it before writing)."""
        self.passed = 0
        """Frames sent as they were, the copy forgotten (tests and the bench read it)."""

    def resize(self, width: int, height: int) -> None:
        if (width, height) != (self.width, self.height):
            self.width, self.height = width, height
            self.forget()

    def forget(self) -> None:
        """The terminal may show anything: every cell is written until seen again."""
        self._texts.clear()
        self._looks.clear()
        self._wide.clear()
        self._out_style = None
        self._out_cursor = None
        self._cursor = (-1, -1)

    def encode(self, data: str) -> str:
        """What brings the terminal to show what `data` would, cells it already shows left
        out; `data` itself when it holds anything the copy cannot follow."""
        terminal_style, style = self._out_style, self._style
        try:
            return self._encode(data)
        except Unsupported:
            self.forget()
            self.passed += 1
            self._style = style_after(data, style)
            # As it is, from the style Textual left (the terminal may be in another).
            return ("" if terminal_style == style else transition(terminal_style, style)) + data

    def _encode(self, data: str) -> str:
        rows: dict[int, _Row] = {}
        out: list[str] = []
        y, x = self._cursor
        style = self._style
        for match in TOKEN.finditer(data):
            kind = match.lastindex
            if kind == SPAN:
                if y < 0 or x < 0:
                    raise Unsupported
                text = match.group(SPAN)
                if text:
                    x = self._put(rows, y, x, text, apply(style, match.group(1)))
                style = DEFAULT
            elif kind == MOVE:
                y, x = int(match.group(3) or 1) - 1, int(match.group(MOVE) or 1) - 1
            elif kind == TEXT:
                if y < 0 or x < 0:
                    raise Unsupported
                x = self._put(rows, y, x, match.group(TEXT), style)
            elif kind == SGR:
                style = apply(style, match.group(SGR))
            elif kind == NEWLINE:  # Textual starts every line with a cursor move
                y, x = (y, 0) if match.group(NEWLINE) == "\r" else (y + 1 if y >= 0 else -1, -1)
            elif kind in (CSI, OSC) and harmless(*match.group(8, 9, 10, 11)):
                final = match.group(CSI)
                forgets = final in ("h", "l") and not safe_modes(match.group(8))
                # A cursor report needs the cursor; the alternate screen, the style too.
                out.append(self._flush(rows, y, x, final == "n" or forgets))
                if forgets and self._out_style != style:
                    out.append(transition(self._out_style, style))
                out.append(match.group())
                if forgets:
                    self.forget()  # the alternate screen: another screen's cells
                    y = x = -1
            else:  # an erase, a scroll, a hyperlink, a control character…
                raise Unsupported
        out.append(self._flush(rows, y, x, True))
        self._style, self._cursor = style, (y, x)
        return "".join(out)

    def _row(self, rows: dict[int, _Row], y: int, end: int) -> _Row:
        """Row `y` as this frame leaves it, at least `end` cells long."""
        row = rows.get(y)
        if row is None:
            texts, looks = self._texts.get(y), self._looks.get(y)
            size = max(end, self.width)
            row = rows[y] = _Row(
                list(texts) if texts is not None else [None] * size,
                list(looks) if looks is not None else [None] * size,
            )
        if len(row.texts) < end:
            row.texts.extend([None] * (end - len(row.texts)))
            row.looks.extend([None] * (end - len(row.looks)))
        return row

    def _put(self, rows: dict[int, _Row], y: int, x: int, text: str, style: Style) -> int:
        """Record `text` written from column `x` of row `y`; returns the column after it."""
        space = space_key(style)
        if text.isascii():
            end = x + len(text)
            if self.width and end > self.width:
                raise Unsupported  # the terminal would wrap
            row = self._row(rows, y, end)
            row.texts[x:end] = text
            if space == style or " " not in text:
                row.looks[x:end] = [style] * len(text)
            else:
                row.looks[x:end] = [space if char == " " else style for char in text]
            row.spans.append((x, end))
            return end
        start = x
        row = self._row(rows, y, x + 2 * len(text))
        texts, looks = row.texts, row.looks
        for char in text:
            size = _size(char)
            if size == 0:  # a combining mark joins the character before it
                before = texts[x - 1] if x > start else None
                if not before:
                    raise Unsupported
                texts[x - 1] = before + char
                looks[x - 1] = style if before == " " else looks[x - 1]
                continue
            if self.width and x + size > self.width:
                raise Unsupported
            texts[x] = char
            looks[x] = space if char == " " else style
            if size == 2:
                texts[x + 1] = ""
                looks[x + 1] = style
                row.wide = True
            x += size
        row.spans.append((start, x))
        return x

    def _flush(self, rows: dict[int, _Row], y: int, x: int, cursor: bool) -> str:
        """Write the recorded cells that differ from the copy; with `cursor`, then put the
        cursor where the application's output leaves it (where a frame parks it for input
        methods). The style is changed only where a cell needs it."""
        runs: list[Run] = []
        for row in sorted(rows):
            runs.extend(self._commit(row, rows[row]))
        rows.clear()
        out = self._write(runs) if runs else ""
        if cursor and y >= 0 and x >= 0 and self._out_cursor != (y, x):
            out += f"\x1b[{y + 1};{x + 1}H"
            self._out_cursor = (y, x)
        return out

    def _commit(self, y: int, row: _Row) -> list[Run]:
        """Make `row` the copy of row `y`; the runs of its cells that changed."""
        texts, looks = row.texts, row.looks
        old_texts = self._texts.get(y) or []
        old_looks = self._looks.get(y) or []
        if len(old_texts) < len(texts):
            old_texts = old_texts + [None] * (len(texts) - len(old_texts))
            old_looks = old_looks + [None] * (len(texts) - len(old_looks))
        changed: list[int] = []
        for start, end in row.spans:
            if (
                old_texts[start:end] == texts[start:end]
                and old_looks[start:end] == looks[start:end]
            ):
                continue
            changed.extend(
                i for i in range(start, end) if old_texts[i] != texts[i] or old_looks[i] != looks[i]
            )
        self._texts[y], self._looks[y] = texts, looks
        wide = row.wide or y in self._wide
        if wide:
            self._wide.add(y)
        if not changed:
            return []
        if len(row.spans) > 1:
            changed = sorted(set(changed))
        if wide:
            changed = self._whole_characters(texts, looks, old_texts, changed)
        runs: list[Run] = []
        start = end = -1
        for i in changed:
            if i == end:
                end += 1
                continue
            if end >= 0 and self._cheap_gap(texts, looks, end, i):
                end = i + 1
                continue
            if end >= 0:
                runs.append((y, start, end))
            start, end = i, i + 1
        if end >= 0:
            runs.append((y, start, end))
        return runs

    @staticmethod
    def _whole_characters(
        texts: list[str | None],
        looks: list[Style | None],
        old_texts: list[str | None],
        changed: list[int],
    ) -> list[int]:
        """The columns to write in a row with wide characters. A wide character is written
        whole, from its left half. Overwriting one half of one blanks or breaks the other on
        the terminal (which one varies), so a half left without its other half is not known
        any more: it is written the next time the application draws it."""
        touched = set(changed)
        for i in changed:
            text = texts[i]
            if text == "":
                touched.add(i - 1)
            elif text and _size(text[0]) == 2:
                touched.add(i + 1)
            if old_texts[i] == "" and text != "":
                touched.add(i - 1)  # the old character's left half, now broken
            elif _is_wide(old_texts[i]) and not _is_wide(text):
                touched.add(i + 1)  # its right half, now broken
        touched.discard(-1)
        touched.discard(len(texts))
        for i in sorted(touched):
            text = texts[i]
            orphan = text == "" and not (i > 0 and _is_wide(texts[i - 1]))
            if orphan or (_is_wide(text) and (i + 1 >= len(texts) or texts[i + 1] != "")):
                texts[i] = looks[i] = None
        return [
            i
            for i in sorted(touched)
            if texts[i] is not None and (texts[i] != "" or i - 1 in touched)
        ]

    @staticmethod
    def _cheap_gap(
        texts: list[str | None], looks: list[Style | None], start: int, end: int
    ) -> bool:
        """Rewriting cells start..end costs no more than jumping them: a few single-byte
        cells in the look of the cell before them."""
        if end - start > GAP_CELLS:
            return False
        before = looks[start - 1]
        return before is not None and all(
            t is not None and len(t) == 1 and t < "\x80" and looks[i] is before
            for i, t in enumerate(texts[start:end], start)
        )

    def _write(self, runs: list[Run]) -> str:
        """Write the runs, each next one preferably in the style the last one ended in
        (a card's title lines, then its field lines: half the style changes)."""
        out: list[str] = []
        style, cursor = self._out_style, self._out_cursor
        by_look: dict[Style, list[int]] = {}
        for index in range(len(runs) - 1, -1, -1):
            y, x, _ = runs[index]
            look = self._looks[y][x]
            assert look is not None
            by_look.setdefault(look, []).append(index)
        done = [False] * len(runs)
        following = 0
        for _ in range(len(runs)):
            index = -1
            if style is not None:
                for key in (style, space_key(style)):
                    waiting = by_look.get(key)
                    while waiting and done[waiting[-1]]:
                        waiting.pop()
                    if waiting:
                        index = waiting.pop()
                        break
            if index < 0:
                while done[following]:
                    following += 1
                index = following
            done[index] = True
            y, start, end = runs[index]
            if cursor is not None and cursor[0] == y and cursor[1] < start:
                gap = start - cursor[1]
                out.append(f"\x1b[{gap}C" if gap > 1 else "\x1b[C")
            elif cursor != (y, start):
                out.append(f"\x1b[{y + 1};{start + 1}H")
            style = self._cells(out, self._texts[y], self._looks[y], start, end, style)
            cursor = (y, end) if not self.width or end < self.width else None
        self._out_style, self._out_cursor = style, cursor
        return "".join(out)

    @staticmethod
    def _cells(
        out: list[str],
        texts: list[str | None],
        looks: list[Style | None],
        start: int,
        end: int,
        style: Style | None,
    ) -> Style | None:
        """Write cells start..end from `style`; the style after them."""
        bounds = [i for i in range(start + 1, end) if looks[i] is not looks[i - 1]]
        bounds.append(end)
        for stop in bounds:
            look = looks[start]
            text = "".join(texts[start:stop])  # type: ignore[arg-type]
            start = stop
            assert look is not None
            if look != style:
                if not text.strip(" "):  # spaces: only the background has to match
                    if style is None or space_key(style) != look:
                        target = space_target(style, look)
                        out.append(transition(style, target))
                        style = target
                else:
                    out.append(transition(style, look))
                    style = look
            out.append(text)
        return style


def _is_wide(text: str | None) -> bool:
    return bool(text) and _size(text[0]) == 2  # type: ignore[index]


@lru_cache(maxsize=4096)
def _size(char: str) -> int:
    return get_character_cell_size(char)

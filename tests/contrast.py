"""WCAG contrast of what a terminal shows: SGR-coloured screen text in, text pairs out.

Reads `tmux capture-pane -p -e` output, or what a Rich console printed from a rendered
Textual screen (cursor moves included), into a grid of cells, then resolves each visible
character's foreground and background the way a terminal does: reverse swaps them, dim
blends the foreground halfway to the background, "default" is the terminal's own pair.

Palette assumed (say so when quoting figures): xterm's 16 colours and its 256-colour cube,
on a dark terminal whose default foreground is xterm's white (229,229,229) on black. Under
NO_COLOR only the default pair is drawn, so its ratio is the terminal's own (here 16.7).
Box drawing and block elements (borders, rules, scrollbars) are not text and are skipped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

RGB = tuple[int, int, int]

XTERM_16: tuple[RGB, ...] = (
    (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
    (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
    (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
    (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
)  # fmt: skip
DEFAULT_FG: RGB = (229, 229, 229)
DEFAULT_BG: RGB = (0, 0, 0)
TARGET = 4.5

_CSI = re.compile(r"\x1b\[([0-9;:?]*)([A-Za-z])")


def xterm_256(index: int) -> RGB:
    if index < 16:
        return XTERM_16[index]
    if index < 232:
        index -= 16
        levels = (0, 95, 135, 175, 215, 255)
        return (levels[index // 36], levels[(index // 6) % 6], levels[index % 6])
    grey = 8 + 10 * (index - 232)
    return (grey, grey, grey)


@dataclass(frozen=True, slots=True)
class Pen:
    fg: RGB | None = None  # None: the terminal's default
    bg: RGB | None = None
    bold: bool = False
    dim: bool = False
    italic: bool = False
    underline: bool = False
    reverse: bool = False
    fg_code: str = "default"
    bg_code: str = "default"

    @property
    def coloured(self) -> bool:
        return self.fg is not None or self.bg is not None


def _colour(params: list[str], i: int) -> tuple[RGB, str, int]:
    """An extended colour (38/48 ;5;n or ;2;r;g;b) starting at params[i] (the 5 or 2)."""
    if params[i] == "5":
        n = int(params[i + 1])
        return xterm_256(n), f"256:{n}", i + 2
    r, g, b = (int(params[i + k]) for k in (1, 2, 3))
    return (r, g, b), f"rgb:{r},{g},{b}", i + 4


def apply_sgr(pen: Pen, raw: str) -> Pen:
    params = [p for p in raw.replace(":", ";").split(";")] or ["0"]
    i = 0
    while i < len(params):
        code = int(params[i] or "0")
        i += 1
        if code == 0:
            pen = Pen()
        elif code == 1:
            pen = replace(pen, bold=True)
        elif code == 2:
            pen = replace(pen, dim=True)
        elif code == 3:
            pen = replace(pen, italic=True)
        elif code == 4:
            pen = replace(pen, underline=True)
        elif code == 7:
            pen = replace(pen, reverse=True)
        elif code == 22:
            pen = replace(pen, bold=False, dim=False)
        elif code == 23:
            pen = replace(pen, italic=False)
        elif code == 24:
            pen = replace(pen, underline=False)
        elif code == 27:
            pen = replace(pen, reverse=False)
        elif 30 <= code <= 37 or 90 <= code <= 97:
            n = code - 30 if code < 90 else code - 82
            pen = replace(pen, fg=XTERM_16[n], fg_code=str(code))
        elif 40 <= code <= 47 or 100 <= code <= 107:
            n = code - 40 if code < 100 else code - 92
            pen = replace(pen, bg=XTERM_16[n], bg_code=str(code))
        elif code == 39:
            pen = replace(pen, fg=None, fg_code="default")
        elif code == 49:
            pen = replace(pen, bg=None, bg_code="default")
        elif code in (38, 48):
            rgb, name, i = _colour(params, i)
            pen = (
                replace(pen, fg=rgb, fg_code=name)
                if code == 38
                else replace(pen, bg=rgb, bg_code=name)
            )
    return pen


def parse_screen(text: str, width: int, height: int) -> list[list[tuple[str, Pen]]]:
    """The screen as rows of (character, pen); `ESC[row;colH` moves are followed, other
    escapes ignored. tmux's capture starts each line in the default pen."""
    grid = [[(" ", Pen()) for _ in range(width)] for _ in range(height)]
    pen = Pen()
    row = col = 0
    pos = 0
    for match in [*_CSI.finditer(text), None]:
        end = match.start() if match else len(text)
        for char in text[pos:end]:
            if char == "\n":
                row, col = row + 1, 0
            elif char == "\r":
                col = 0
            elif char >= " " and 0 <= row < height and 0 <= col < width:
                grid[row][col] = (char, pen)
                col += 1
        if match is None:
            break
        pos = match.end()
        params, final = match.groups()
        if final == "m":
            pen = apply_sgr(pen, params)
        elif final == "H":
            parts = (params or "1;1").split(";")
            row, col = int(parts[0] or 1) - 1, int(parts[1] if len(parts) > 1 else 1) - 1
    return grid


def luminance(rgb: RGB) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: RGB, b: RGB) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def shown_pair(pen: Pen) -> tuple[RGB, RGB]:
    fg = pen.fg or DEFAULT_FG
    bg = pen.bg or DEFAULT_BG
    if pen.reverse:
        fg, bg = bg, fg
    if pen.dim:
        fg = (
            (fg[0] + bg[0]) // 2,
            (fg[1] + bg[1]) // 2,
            (fg[2] + bg[2]) // 2,
        )
    return fg, bg


def is_text(char: str) -> bool:
    return not char.isspace() and not ("\u2500" <= char <= "\u259f")


@dataclass(frozen=True, slots=True)
class Pair:
    ratio: float
    fg: str
    bg: str
    attrs: str
    sample: str


def text_pairs(grid: list[list[tuple[str, Pen]]]) -> list[Pair]:
    """Every distinct (fg, bg, attributes) that draws a character, lowest ratio first, each
    with a sample of the text drawn in it."""
    samples: dict[tuple[str, str, str, float], str] = {}
    counts: Counter[tuple[str, str, str, float]] = Counter()
    for row in grid:
        for char, pen in row:
            if not is_text(char):
                continue
            fg, bg = shown_pair(pen)
            attrs = "".join(
                name for name, on in (("b", pen.bold), ("d", pen.dim), ("r", pen.reverse),
                                      ("u", pen.underline), ("i", pen.italic)) if on
            )  # fmt: skip
            key = (pen.fg_code, pen.bg_code, attrs, round(ratio(fg, bg), 2))
            counts[key] += 1
            if len(samples.get(key, "")) < 24:
                samples[key] = samples.get(key, "") + char
    return sorted((Pair(k[3], k[0], k[1], k[2], samples[k]) for k in counts), key=lambda p: p.ratio)


def colour_codes(grid: list[list[tuple[str, Pen]]]) -> set[str]:
    return {code for row in grid for _, pen in row for code in (pen.fg_code, pen.bg_code)} - {
        "default"
    }


def describe(pairs: list[Pair]) -> str:
    return "\n".join(
        f"{p.ratio:5.2f}  fg {p.fg:>16} bg {p.bg:>16} [{p.attrs or '-'}]  {p.sample!r}"
        for p in pairs
    )

"""The escape sequences the screen diff (tui/screen_diff.py) reads and writes.

`TOKEN` splits Textual's output into styled spans, cursor moves, text and other sequences;
`harmless` says which of the others leave every cell where it is. A style is what a run of
SGR sequences leaves the terminal in: its attributes (bold 1, reverse 7, …), foreground,
background and underline colour, each colour as its parameters (`(38, 5, 203)`, `(31,)`,
`()` for the default). Anything else (colon-separated colours, an unknown code) is
`Unsupported`: the frame goes out as it is.
"""

from __future__ import annotations

import re
from functools import lru_cache

Style = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], tuple[int, ...]]
"""SGR state: (attributes, foreground, background, underline colour); () is the default."""
DEFAULT: Style = ((), (), (), ())
TOKEN = re.compile(
    r"\x1b\[([0-9;]*)m([^\x00-\x1f\x7f-\x9f]*)\x1b\[0?m"  # 2: a styled span, reset after
    r"|\x1b\[(\d*);?(\d*)H"  # 4: a cursor move
    r"|([^\x00-\x1f\x7f-\x9f]+)"  # 5: text
    r"|\x1b\[([0-9;]*)m"  # 6: a style
    r"|([\r\n])"  # 7
    r"|\x1b\[([0-?]*)([ -/]*)([@-~])"  # 10: any other CSI: parameters, intermediates, final
    r"|\x1b\]([^\x07\x1b]*)(?:\x07|\x1b\\)"  # 11: OSC, ended by BEL or ST
    r"|[\x00-\x1f\x7f-\x9f]"  # any other escape or control character
)
SPAN, MOVE, TEXT, SGR, NEWLINE, CSI, OSC = 2, 4, 5, 6, 7, 10, 11
SAFE_MODES = frozenset(
    {1, 7, 12, 25, 66, 1000, 1002, 1003, 1004, 1005, 1006, 1015, 1016, 2004, 2026, 2048}
)
"""Private modes that change no cell and keep the cursor (cursor keys and look, mouse,
focus, paste, synchronized output); any other (the alternate screen) forgets the copy."""
OFF = {1: 22, 2: 22, 3: 23, 4: 24, 21: 24, 5: 25, 6: 25, 7: 27, 8: 28, 9: 29, 53: 55}
"""The code that turns an attribute off; 22, 24 and 25 turn off two at once."""
ATTRIBUTES = frozenset(OFF) | {51, 52}
SHOWN_ON_SPACE = frozenset({4, 7, 9, 21, 51, 52, 53})
"""Attributes that draw a space's foreground (lines, reverse): without them a space shows
only its background."""


class Unsupported(Exception):
    """The frame holds something the copy cannot follow: it goes out as it is."""


@lru_cache(maxsize=1024)
def space_key(style: Style) -> Style:
    """How a space in `style` looks: its background alone, unless an attribute draws it."""
    if SHOWN_ON_SPACE.intersection(style[0]):
        return style
    return ((), (), style[2], ())


@lru_cache(maxsize=1024)
def space_target(style: Style | None, key: Style) -> Style:
    """A style to draw a space whose look is `key`, keeping what of `style` a space does
    not show (the next letters likely want that foreground back)."""
    if style is None or key[0] or key[1] or key[3]:
        return key  # an attribute that draws the space: its whole style
    return (tuple(a for a in style[0] if a not in SHOWN_ON_SPACE), style[1], key[2], style[3])


def style_after(data: str, style: Style) -> Style:
    """The application's style after `data` (sent as it is), or the default."""
    try:
        for match in re.finditer(r"\x1b\[([0-9;]*)m", data):
            style = apply(style, match.group(1))
    except Unsupported:
        return DEFAULT
    return style


@lru_cache(maxsize=1024)
def apply(style: Style, params: str) -> Style:
    """`style` after an SGR sequence with these parameters."""
    attrs, colors = set(style[0]), [style[1], style[2], style[3]]
    codes = [int(p) if p.isdigit() else -1 for p in params.split(";")] if params else [0]
    i = 0
    while i < len(codes):
        code = codes[i]
        i += 1
        if code in (38, 48, 58):  # 38;5;n or 38;2;r;g;b, and the same for 48 and 58
            size = {5: 2, 2: 4}.get(codes[i] if i < len(codes) else -1, 0)
            color = tuple(codes[i - 1 : i + size])
            if not size or len(color) != size + 1 or -1 in color:
                raise Unsupported
            colors[(38, 48, 58).index(code)] = color
            i += size
        elif code == 0:
            attrs, colors = set(), [(), (), ()]
        elif code in ATTRIBUTES:
            attrs.add(code)
        elif code in OFF.values() or code == 54:
            attrs -= {a for a, off in OFF.items() if off == code} | (
                {51, 52} if code == 54 else set()
            )
        elif 30 <= code <= 37 or 90 <= code <= 97:
            colors[0] = (code,)
        elif 40 <= code <= 47 or 100 <= code <= 107:
            colors[1] = (code,)
        elif code in (39, 49, 59):
            colors[(39, 49, 59).index(code)] = ()
        else:
            raise Unsupported
    return (tuple(sorted(attrs)), colors[0], colors[1], colors[2])


@lru_cache(maxsize=4096)
def transition(before: Style | None, after: Style) -> str:
    """The shortest SGR sequence from `before` (None: not known) to `after`."""
    codes = [*after[0], *after[1], *after[2], *after[3]]
    reset = "\x1b[0;" + ";".join(map(str, codes)) + "m" if codes else "\x1b[0m"
    if before is None:
        return reset
    removed = set(before[0]) - set(after[0])
    if removed & {51, 52}:
        return reset
    offs = {OFF[a] for a in removed}
    # 22, 24 and 25 turn off a pair: the one of the pair that stays is set again.
    kept = set(before[0]) - {a for a, off in OFF.items() if off in offs}
    diff: list[int] = [*sorted(offs), *sorted(set(after[0]) - kept)]
    for now, was, default in zip(after[1:], before[1:], (39, 49, 59), strict=True):
        if now != was:
            diff.extend(now or (default,))
    if not diff:
        return ""
    short = "\x1b[" + ";".join(map(str, diff)) + "m"
    return short if len(short) < len(reset) else reset


def harmless(params: str | None, inter: str | None, final: str | None, osc: str | None) -> bool:
    """Sequences that change no cell and leave the cursor: modes (`safe_modes` says which
    keep the screen), queries, the cursor's shape, titles and desktop notifications."""
    if osc is not None:
        return not osc.startswith("8;")  # a hyperlink is part of the cells it covers
    if final is None or params is None:
        return False
    if final in ("h", "l"):
        return params.startswith("?")
    return final in ("p", "q", "u", "c") or (final == "n" and params in ("5", "6"))


def safe_modes(params: str) -> bool:
    return all(m.isdigit() and int(m) in SAFE_MODES for m in params[1:].split(";"))

"""Make untrusted text (titles, customer messages, Linear titles) safe to put on a terminal.

A ticket title is typed by a customer. Rendered raw it could carry escape sequences that set
the clipboard (OSC 52), retitle the window or move the cursor; rendered as markup it could
restyle or hide text. Everything untrusted passes through here and is then drawn as plain text.
"""

from __future__ import annotations

import re
import unicodedata

# ESC-introduced sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), DCS/SOS/PM/APC
# (ESC P/X/^/_ ... ST), and two-byte escapes. C1 equivalents (0x9B CSI, 0x9D OSC) too.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|(?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c]*(?:\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def strip_controls(text: str, *, keep_newlines: bool = False) -> str:
    """Remove escape sequences and control characters; tabs become spaces."""
    text = _ESCAPES.sub("", text)
    out: list[str] = []
    for char in text:
        if char == "\n" and keep_newlines:
            out.append(char)
        elif char in "\t\n\r":
            out.append(" ")
        elif char in _BIDI or unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co"):
            continue
        else:
            out.append(char)
    return "".join(out)


def one_line(text: str) -> str:
    """A single display line: controls gone, runs of whitespace collapsed."""
    return " ".join(strip_controls(text).split())


def truncate(text: str, width: int) -> str:
    """Cut to `width` cells with an ellipsis (cards are narrow at 80 columns)."""
    if width <= 0:
        return ""
    if len(text) <= width:
        return text
    return text[: max(0, width - 1)] + "…"


_URL_FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f-\x9f\"'<>\\`]")


def copyable_link(text: str | None) -> str | None:
    """The link if it is one line of plain http(s) URL, else None.

    A server-supplied link goes to the user's clipboard and then, often, into a shell: a
    "link" with a newline and `curl … | sh` after it must never get there.
    """
    if not text or len(text) > 2048 or _URL_FORBIDDEN.search(text):
        return None
    scheme, sep, rest = text.partition("://")
    if not sep or scheme.lower() not in ("http", "https"):
        return None
    host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if not host or "@" in host:
        return None
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zs", "Zl", "Zp") for c in text):
        return None
    return text

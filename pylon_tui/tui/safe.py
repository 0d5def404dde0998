"""The tui's one way to show text it did not write itself.

Textual and Rich parse plain strings as markup in many places (notifications, Select and
OptionList prompts, Static, Label, Table cells). Server error messages, ticket titles, Linear
state names, user names and config values all pass through here, so `[/]` is drawn as `[/]`,
`[@click=app.quit]` is inert, and no escape sequence reaches the terminal. A test walks the
tui's source and fails on any widget that is handed a bare non-literal string.
"""

from __future__ import annotations

from rich.text import Text

from pylon_tui.domain.safe_text import one_line, strip_controls


def plain(text: object, style: str = "", *, multiline: bool = False) -> Text:
    """Literal text, controls removed; one line unless the caller shows a block."""
    raw = "" if text is None else str(text)
    clean = strip_controls(raw, keep_newlines=True) if multiline else one_line(raw)
    return Text(clean, style=style)


def plain_message(text: object) -> str:
    """A notification body: newlines kept (toasts wrap), every other control removed."""
    return strip_controls("" if text is None else str(text), keep_newlines=True)


def plain_markup(text: object) -> str:
    """For the few Textual APIs that take only a markup string (the palette's help line):
    the same literal one line as `plain`, every `[` escaped. (textual.markup.escape also
    doubles backslashes, which Textual's parser then shows doubled.)"""
    return plain(text).plain.replace("[", "\\[")

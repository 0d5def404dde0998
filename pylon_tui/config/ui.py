"""Saving the board's theme choice into the user's config file, comments and all.

The board's `T` key switches the theme; the choice is written as `[ui] theme = "…"` by editing
that one line (or adding it), not by re-serialising the file: a user's comments, order and
formatting stay as they wrote them. The result is checked as TOML before it replaces the file.
"""

from __future__ import annotations

import re
import tomllib

from .model import UI_THEMES

_TABLE = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?$")
_THEME_LINE = re.compile(r"^(\s*theme\s*=\s*)(\"[^\"]*\"|'[^']*')(.*)$")


def with_theme(text: str, theme: str) -> str:
    """`text` (a config file) with `[ui] theme` set to `theme`."""
    if theme not in UI_THEMES:
        raise ValueError(f"unknown theme {theme!r} (one of {', '.join(UI_THEMES)})")
    lines = text.splitlines()
    table: str | None = None
    ui_header: int | None = None
    for index, line in enumerate(lines):
        header = _TABLE.match(line)
        if header:
            table = header.group(1)
            if table == "ui":
                ui_header = index
            continue
        if table == "ui":
            found = _THEME_LINE.match(line)
            if found:
                lines[index] = f'{found.group(1)}"{theme}"{found.group(3)}'
                return _checked("\n".join(lines) + "\n")
    if ui_header is not None:
        lines.insert(ui_header + 1, f'theme = "{theme}"')
        return _checked("\n".join(lines) + "\n")
    if "ui" in tomllib.loads(text):  # ui = { … } inline: not ours to rewrite
        raise ValueError("the config defines ui inline; set theme there by hand")
    body = "\n".join(lines).rstrip("\n")
    prefix = f"{body}\n\n" if body else ""
    return _checked(f'{prefix}[ui]\ntheme = "{theme}"\n')


def _checked(text: str) -> str:
    tomllib.loads(text)  # never write a file load_config would reject as TOML
    return text

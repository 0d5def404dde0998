"""The board's colours: a theme per (choice, colour depth), every text pair >= 4.5:1 (WCAG).

Two choices, saved in the config as `[ui] theme`: "default" and "high-contrast". Each has a
truecolor version (also used, downgraded by the terminal driver, at 256 colours) and an ANSI
version for 16-colour terminals, which names the 16 colours themselves: a truecolor theme
downgraded to 16 colours lands wherever the nearest-colour match puts it (that is how the
focused card's priority letter became bright red on bright red). Under NO_COLOR every colour
is dropped (Textual's NoColor filter) and emphasis is bold, reverse and underline only (the
`App:nocolor` rules in app.tcss); dim is dropped too, as it is a colour change in disguise.

The `pylon-*` variables are what app.tcss uses; every theme defines all of them, and only
these themes can be active (the palette's generic theme switcher is not offered), so the
stylesheet never meets an undefined variable.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter
from textual.theme import BUILTIN_THEMES, Theme

THEME_CHOICES = ("default", "high-contrast")
DEFAULT_CHOICE = "default"


def _theme(name: str, *, ansi: bool, variables: dict[str, str], **colours: str) -> Theme:
    return Theme(name, ansi=ansi, dark=True, variables=variables, **colours)  # type: ignore[arg-type]


_TRUECOLOR = {
    "default": _theme(
        "pylon",
        ansi=False,
        primary="#5fafff",
        secondary="#7fd4ff",
        accent="#ffb454",
        warning="#ffcc66",
        error="#ff6b6b",
        success="#87d787",
        foreground="#e6e6e6",
        background="#101216",
        surface="#16191f",
        panel="#262b36",
        variables={
            "pylon-cursor-fg": "#ffffff",
            "pylon-cursor-bg": "#1d4f91",
            "pylon-muted": "#b4bcc8",
            "pylon-urgent": "#ff6b6b",
            "pylon-high": "#ffcc66",
            "pylon-medium": "#7fd4ff",
            "pylon-low": "#b4bcc8",
            "pylon-selected": "#e0a3ff",
            "pylon-rule": "#3a4150",
            "pylon-key": "#ffb454",
            "footer-key-foreground": "#ffb454",
            "footer-description-foreground": "#e6e6e6",
        },
    ),
    "high-contrast": _theme(
        "pylon-high-contrast",
        ansi=False,
        primary="#ffff00",
        secondary="#00ffff",
        accent="#ffff00",
        warning="#ffff00",
        error="#ff8080",
        success="#00ff00",
        foreground="#ffffff",
        background="#000000",
        surface="#000000",
        panel="#1c1c1c",
        variables={
            "pylon-cursor-fg": "#000000",
            "pylon-cursor-bg": "#ffff00",
            "pylon-muted": "#ffffff",
            "pylon-urgent": "#ff8080",
            "pylon-high": "#ffff00",
            "pylon-medium": "#00ffff",
            "pylon-low": "#ffffff",
            "pylon-selected": "#ff80ff",
            "pylon-rule": "#ffffff",
            "pylon-key": "#ffff00",
            "footer-key-foreground": "#ffff00",
            "footer-description-foreground": "#ffffff",
        },
    ),
}

_ANSI_COMMON = {
    **BUILTIN_THEMES["ansi-dark"].variables,  # what Textual's own CSS needs under :ansi
    "footer-foreground": "ansi_default",
    "footer-background": "ansi_default",
    "footer-key-background": "ansi_default",
    "footer-description-foreground": "ansi_default",
    "footer-description-background": "ansi_default",
    "pylon-muted": "ansi_default",
    "pylon-urgent": "ansi_bright_red",
    "pylon-high": "ansi_bright_yellow",
    "pylon-medium": "ansi_bright_cyan",
    "pylon-low": "ansi_default",
    "pylon-selected": "ansi_bright_magenta",
    "pylon-rule": "ansi_bright_black",
    "pylon-key": "ansi_bright_yellow",
    "footer-key-foreground": "ansi_bright_yellow",
}
_ANSI_BASE = {
    "primary": "ansi_blue",
    "secondary": "ansi_cyan",
    "accent": "ansi_bright_yellow",
    "warning": "ansi_bright_yellow",
    "error": "ansi_bright_red",
    "success": "ansi_bright_green",
    "foreground": "ansi_default",
    "background": "ansi_default",
    "surface": "ansi_default",
    "panel": "ansi_default",
    "boost": "ansi_default",
}
_ANSI = {
    "default": _theme(
        "pylon-ansi",
        ansi=True,
        variables={
            **_ANSI_COMMON,
            "pylon-cursor-fg": "ansi_bright_white",
            "pylon-cursor-bg": "ansi_blue",
        },
        **_ANSI_BASE,
    ),
    "high-contrast": _theme(
        "pylon-ansi-high-contrast",
        ansi=True,
        variables={
            **_ANSI_COMMON,
            "pylon-cursor-fg": "ansi_black",
            "pylon-cursor-bg": "ansi_bright_white",
        },
        **_ANSI_BASE,
    ),
}

THEMES: tuple[Theme, ...] = (*_TRUECOLOR.values(), *_ANSI.values())


def theme_name(choice: str, *, sixteen_colours: bool) -> str:
    """The Textual theme for a config choice on this terminal (unknown choices: default)."""
    table = _ANSI if sixteen_colours else _TRUECOLOR
    return table.get(choice, table[DEFAULT_CHOICE]).name


def next_choice(choice: str) -> str:
    index = THEME_CHOICES.index(choice) if choice in THEME_CHOICES else -1
    return THEME_CHOICES[(index + 1) % len(THEME_CHOICES)]


def choice_label(choice: str) -> str:
    return choice.replace("-", " ")


_NO_DIM = Style(dim=False)


class NoDim(LineFilter):
    """NO_COLOR's companion: dim text is a colour blend the user asked not to get, and it
    is the one attribute that lowers contrast."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [
            Segment(text, style + _NO_DIM if style is not None and style.dim else style, control)
            for text, style, control in segments
        ]


def colour_filters(filters: Sequence[LineFilter], no_color: bool) -> list[LineFilter]:
    return [*filters, NoDim()] if no_color else list(filters)

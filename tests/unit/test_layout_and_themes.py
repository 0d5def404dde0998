"""Issue 11: which layout a terminal size gets, the theme choices, saving the theme into a
config file without disturbing it, and the contrast arithmetic the contrast tests rely on."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

import pytest

from pylon_tui.config import ConfigError, load_config, save_theme
from pylon_tui.config.model import UI_THEMES
from pylon_tui.config.ui import with_theme
from pylon_tui.tui.layout import LayoutMode, layout_mode, shows_preview, too_small_text
from pylon_tui.tui.theme import THEME_CHOICES, THEMES, next_choice, theme_name
from pylon_tui.tui.widgets.preview import title_lines
from tests.contrast import parse_screen, ratio, text_pairs, xterm_256


@pytest.mark.parametrize(
    ("size", "mode"),
    [
        ((80, 24), LayoutMode.BOARD),
        ((159, 50), LayoutMode.BOARD),
        ((160, 40), LayoutMode.WIDE),
        ((79, 24), LayoutMode.SINGLE),
        ((60, 20), LayoutMode.SINGLE),
        ((40, 12), LayoutMode.SINGLE),
        ((39, 12), LayoutMode.TOO_SMALL),
        ((40, 11), LayoutMode.TOO_SMALL),
        ((200, 8), LayoutMode.TOO_SMALL),
    ],
)
def test_layout_by_size(size: tuple[int, int], mode: LayoutMode) -> None:
    assert layout_mode(*size) is mode


def test_the_preview_gives_way_to_the_pane_and_to_short_terminals() -> None:
    assert shows_preview(LayoutMode.BOARD, 24, pane_open=True)
    assert shows_preview(LayoutMode.SINGLE, 20, pane_open=True)
    assert not shows_preview(LayoutMode.SINGLE, 12, pane_open=True)
    assert not shows_preview(LayoutMode.WIDE, 60, pane_open=True)
    assert shows_preview(LayoutMode.WIDE, 60, pane_open=False)
    assert "39×11" in too_small_text(39, 11)
    assert "40×12" in too_small_text(39, 11)


def test_a_title_wraps_at_spaces_and_joins_back() -> None:
    title = "#71 Dashboard charts are blank in Safari 17 after the last release for EU users"
    lines = title_lines(title, 40)
    assert len(lines) == 2
    assert all(len(line) <= 40 for line in lines)
    assert " ".join(lines) == title
    long = title_lines("word " * 40, 20)
    assert len(long) == 2
    assert long[-1].endswith("…")
    assert len(long[-1]) <= 20


def test_theme_choices_match_the_config_and_every_theme_defines_the_board_variables() -> None:
    assert THEME_CHOICES == UI_THEMES
    names = {theme.name for theme in THEMES}
    for choice in THEME_CHOICES:
        assert theme_name(choice, sixteen_colours=False) in names
        assert theme_name(choice, sixteen_colours=True) in names
    assert theme_name("nonsense", sixteen_colours=True) == "pylon-ansi"
    assert next_choice("default") == "high-contrast"
    assert next_choice("high-contrast") == "default"
    wanted = set(THEMES[0].variables)
    for theme in THEMES:
        assert {v for v in wanted if v.startswith("pylon-")} <= set(theme.variables), theme.name
    for theme in THEMES:
        if theme.ansi:  # names the 16 colours: a downgrade cannot land on a bad pair
            assert all(v.startswith("ansi_") for k, v in theme.variables.items() if "pylon" in k)


CONFIG = """# my config
[pylon]
region = "eu"  # keep this comment

[ui]
# which look
theme = "default"  # trailing

[board]
refresh_seconds = 60
"""


def test_with_theme_changes_one_line_and_keeps_the_rest() -> None:
    out = with_theme(CONFIG, "high-contrast")
    assert out.replace('"high-contrast"', '"default"') == CONFIG
    assert tomllib.loads(out)["ui"]["theme"] == "high-contrast"


def test_with_theme_adds_the_key_or_the_table() -> None:
    no_key = CONFIG.replace('theme = "default"  # trailing\n', "")
    assert tomllib.loads(with_theme(no_key, "high-contrast"))["ui"]["theme"] == "high-contrast"
    no_table = '[pylon]\nregion = "eu"\n'
    out = with_theme(no_table, "high-contrast")
    assert out.startswith(no_table)
    assert tomllib.loads(out)["ui"] == {"theme": "high-contrast"}
    assert tomllib.loads(with_theme("", "default")) == {"ui": {"theme": "default"}}
    with pytest.raises(ValueError, match="unknown theme 'neon'"):
        with_theme(CONFIG, "neon")


def test_save_theme_writes_a_loadable_private_file(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "config.toml"
    save_theme(path, "high-contrast")
    assert load_config(path, env={}).ui.theme == "high-contrast"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    save_theme(path, "default")
    assert load_config(path, env={}).ui.theme == "default"


def test_an_unknown_theme_in_the_config_is_an_error_naming_the_choices(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[ui]\ntheme = "neon"\n')
    path.chmod(0o600)
    with pytest.raises(ConfigError, match=r"ui\.theme.*'default', 'high-contrast'"):
        load_config(path, env={})


def test_contrast_reads_sgr_like_a_terminal() -> None:
    assert round(ratio((255, 255, 255), (0, 0, 0)), 1) == 21.0
    assert xterm_256(196) == (255, 0, 0)
    assert xterm_256(244) == (128, 128, 128)
    # bright red on bright red (the old focused priority letter), then white on blue, reversed
    raw = "\x1b[91;101mH\x1b[0m \x1b[97;44mok\x1b[0m \x1b[7mrv\x1b[0m \x1b[2mdim\x1b[0m ─"
    pairs = {p.sample: p for p in text_pairs(parse_screen(raw, 20, 1))}
    assert pairs["H"].ratio == 1.0
    assert pairs["ok"].ratio > 9
    assert pairs["rv"].attrs == "r"
    assert pairs["rv"].ratio > 16
    assert pairs["dim"].ratio < 4.5  # dim halves the contrast: the board never uses it
    assert "─" not in "".join(pairs)  # borders are not text
    moved = parse_screen("\x1b[2;3H\x1b[38;2;1;2;3mx", 5, 3)
    assert moved[1][2][0] == "x"
    assert moved[1][2][1].fg == (1, 2, 3)

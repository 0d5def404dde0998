"""Issue 11: every text pair the board draws is >= 4.5:1 (WCAG), in 16 colours, 256,
truecolor and NO_COLOR, for both themes, at the sizes the layouts change at.

The rendered screen (the compositor's full update, after every line filter, as the terminal
driver gets it) is printed by a Rich console at the colour depth under test, which downgrades
colours exactly as the driver does, then read back cell by cell (tests/contrast.py: xterm's
palette on a dark terminal). The same reader measures the real terminal in
tests/e2e/test_layout_tmux.py and bench/contrast.py.
"""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from textual.pilot import Pilot

from pylon_tui.tui.app import PylonApp
from tests.contrast import TARGET, colour_codes, describe, parse_screen, text_pairs

from .fakes import build_app, settle
from .test_layout import long_titles

MODES = {
    "16 colours": "standard",
    "256 colours": "256",
    "truecolor": "truecolor",
    "NO_COLOR": "truecolor",
}


def rendered(app: PylonApp, color_system: str) -> str:
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system=color_system,  # type: ignore[arg-type]
        legacy_windows=False,
        _environ={},
    )
    console.print(app.screen._compositor.render_update(full=True), end="")
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(out, str)
    return out


async def _wide_pane(pilot: Pilot[None]) -> None:
    await pilot.press("j")


async def _after_j_l(pilot: Pilot[None]) -> None:
    await pilot.press("j", "l", "space")


async def _detail(pilot: Pilot[None]) -> None:
    await pilot.press("enter")


async def _trouble(pilot: Pilot[None]) -> None:
    """An error with its fix, a pending count, a selection and a toast, all at once."""
    app = pilot.app
    assert isinstance(app, PylonApp)
    await pilot.press("space")
    app.board_screen.set_sync("sync failed", error="Pylon said no — check the token")
    app.notify("Queued: #10 moved to On You", title="Offline", severity="warning")
    app.notify("Rolled back #11", title="Refused", severity="error")
    await pilot.pause(0.3)


SCENES = {
    "80x24 after j, l, space": ((80, 24), _after_j_l),
    "60x20 one column": ((60, 20), _after_j_l),
    "200x60 with the pane": ((200, 60), _wide_pane),
    "80x24 detail screen": ((80, 24), _detail),
    "80x24 error, selection, toasts": ((80, 24), _trouble),
}


@pytest.mark.parametrize("theme", ["default", "high-contrast"])
@pytest.mark.parametrize("scene", list(SCENES))
@pytest.mark.parametrize("mode", list(MODES))
async def test_every_text_pair_reaches_4_5_to_1(
    mode: str, scene: str, theme: str, monkeypatch: pytest.MonkeyPatch
):
    if mode == "NO_COLOR":
        monkeypatch.setenv("NO_COLOR", "1")
    app = build_app(long_titles(), theme=theme, sixteen_colours=mode == "16 colours")
    size, keys = SCENES[scene]
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        await keys(pilot)
        await settle(pilot)
        grid = parse_screen(rendered(app, MODES[mode]), *size)
    pairs = text_pairs(grid)
    assert len(pairs) >= 3, "nothing measured: the reader lost the screen"
    low = [p for p in pairs if p.ratio < TARGET]
    assert not low, f"{mode}, {scene}, {theme}: pairs under {TARGET}:1\n{describe(low)}"
    codes = colour_codes(grid)
    if mode == "NO_COLOR":
        assert not codes, f"NO_COLOR drew colours: {codes}"
        if "detail" not in scene:
            assert {p.attrs for p in pairs} & {"r", "br"}, "the focused card is reversed"
        assert not any("d" in p.attrs for p in pairs)
    elif mode == "16 colours":
        assert all(c.isdigit() for c in codes), f"not the 16 colours: {codes}"

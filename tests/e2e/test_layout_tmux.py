"""Issue 11 in a real terminal: the installed `pylon-tui` in tmux at 80x24 on the sandbox.

The focused card's whole title is readable without opening it (the preview strip under the
board), after `j` and after `l`; and every text pair on screen, as `tmux capture-pane -e`
reports it, reaches 4.5:1 in 16 colours, 256, truecolor and NO_COLOR (tests/contrast.py).
"""

from __future__ import annotations

import pytest

from tests.contrast import TARGET, colour_codes, describe, parse_screen, text_pairs
from tests.e2e.conftest import HEIGHT, WIDTH, AppLauncher, CliRunner, board_visible

pytestmark = pytest.mark.e2e

RULE = "─" * 20


def preview_text(screen: str) -> str:
    """The lines between the rule over the preview and the status bar, joined by spaces
    (the strip wraps titles at spaces)."""
    lines = screen.splitlines()
    start = next(i for i, line in enumerate(lines) if RULE in line) + 1
    end = next(i for i in range(start, len(lines)) if "synced" in lines[i] or "sync" in lines[i])
    return " ".join(line.strip() for line in lines[start:end] if line.strip())


def titles(cli: CliRunner) -> dict[str, list[tuple[int, str]]]:
    result = cli("list", "--json")
    assert result.returncode == 0, result.describe()
    return {
        c["key"]: [(int(t["number"]), str(t["title"])) for t in c["tickets"]]
        for c in result.json()["columns"]
    }


def test_focused_cards_full_title_after_j_and_after_l(launch: AppLauncher, cli: CliRunner):
    board = titles(cli)
    app = launch()
    app.wait_until(board_visible, "the sandbox board")
    number, title = board["new"][1]
    assert len(title) > 16, "a title a 19-cell card cuts"
    app.send("j")
    screen = app.wait_until(
        lambda s: f"#{number} {title}" in preview_text(s), f"#{number}'s whole title"
    )
    assert title not in screen.split(RULE)[0]  # the card above cuts it: the strip is the way
    number, title = board["on_you"][0]
    app.send("l")
    screen = app.wait_until(
        lambda s: f"#{number} {title}" in preview_text(s), f"#{number}'s whole title after l"
    )
    assert "waiting" in preview_text(screen)
    app.send("q")
    app.wait_exit(timeout=10)


MODES = {
    "16 colours": {"term": "screen"},
    "256 colours": {"term": "xterm-256color"},
    "truecolor": {"term": "xterm-256color", "COLORTERM": "truecolor"},
    "NO_COLOR": {"term": "xterm-256color", "NO_COLOR": "1"},
}


@pytest.mark.parametrize("mode", list(MODES))
def test_every_text_pair_on_the_terminal_reaches_4_5_to_1(launch: AppLauncher, mode: str):
    app = launch(**MODES[mode])
    app.wait_until(lambda s: board_visible(s) and "synced" in s, "the synced board")
    app.send("j", "l")
    app.wait_for("waiting")
    grid = parse_screen(app.capture(escapes=True), WIDTH, HEIGHT)
    pairs = text_pairs(grid)
    print(f"{mode}:\n{describe(pairs)}")  # the figures, with -s
    assert len(pairs) >= 3
    low = [p for p in pairs if p.ratio < TARGET]
    assert not low, f"{mode}: under {TARGET}:1\n{describe(low)}"
    codes = colour_codes(grid)
    if mode == "NO_COLOR":
        assert not codes, f"NO_COLOR drew colours: {sorted(codes)}"
        assert any("r" in p.attrs for p in pairs), "the focused card is reversed"
    elif mode == "16 colours":
        assert all(code.isdigit() for code in codes), sorted(codes)
    app.send("q")
    app.wait_exit(timeout=10)

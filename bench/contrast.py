"""Contrast of the board as a terminal shows it, in 16 colours, 256, truecolor and NO_COLOR.

Starts the installed `pylon-tui` on a throwaway sandbox in tmux (one server per mode),
optionally presses keys, reads the screen with `tmux capture-pane -p -e` and prints every
distinct text colour pair with its WCAG ratio (palette: see tests/contrast.py).

    python bench/contrast.py [--size 80x24] [--keys j,l] [--theme high-contrast] [--show]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.contrast import TARGET, describe, parse_screen, text_pairs

MODES: dict[str, dict[str, str]] = {
    "16 colours": {"TERM": "screen"},
    "256 colours": {"TERM": "xterm-256color"},
    "truecolor": {"TERM": "xterm-256color", "COLORTERM": "truecolor"},
    "NO_COLOR": {"TERM": "xterm-256color", "NO_COLOR": "1"},
}


def capture(mode_env: dict[str, str], width: int, height: int, keys: list[str], theme: str) -> str:
    binary = Path(sys.executable).parent / "pylon-tui"
    root = Path(tempfile.mkdtemp(prefix="pylon-contrast-"))
    env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "NO_COLOR", "COLORTERM")}
    session_env: dict[str, str] = {}
    for name in ("home", "data", "state", "config", "cache"):
        (root / name).mkdir()
    session_env.update(
        HOME=str(root / "home"),
        XDG_DATA_HOME=str(root / "data"),
        XDG_STATE_HOME=str(root / "state"),
        XDG_CONFIG_HOME=str(root / "config"),
        XDG_CACHE_HOME=str(root / "cache"),
        LANG="C.UTF-8",
        **mode_env,
    )
    if theme != "default":
        config = root / "config" / "pylon-tui" / "config.toml"
        config.parent.mkdir()
        config.write_text(f'[ui]\ntheme = "{theme}"\n')
    conf = root / "tmux.conf"
    conf.write_text(f'set -g default-terminal "{mode_env["TERM"]}"\nset -g exit-empty on\n')
    socket = f"pylon-contrast-{uuid.uuid4().hex[:8]}"
    tmux = [shutil.which("tmux") or "tmux", "-f", str(conf), "-L", socket]
    flags = [f for k, v in session_env.items() for f in ("-e", f"{k}={v}")]
    try:
        subprocess.run(
            [*tmux, "new-session", "-d", "-s", "app", "-x", str(width), "-y", str(height),
             *flags, str(binary)],
            env=env, check=True,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        screen = ""
        while time.monotonic() < deadline:
            screen = subprocess.run(
                [*tmux, "capture-pane", "-p", "-t", "app"], capture_output=True, text=True
            ).stdout
            if "synced" in screen and "#" in screen:
                break
            time.sleep(0.2)
        for key in keys:
            subprocess.run([*tmux, "send-keys", "-t", "app", key], check=True)
            time.sleep(0.3)
        time.sleep(0.5)
        return subprocess.run(
            [*tmux, "capture-pane", "-p", "-e", "-t", "app"], capture_output=True, text=True
        ).stdout
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="80x24")
    parser.add_argument("--keys", default="")
    parser.add_argument("--theme", default="default")
    parser.add_argument("--show", action="store_true", help="print the plain screen too")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    worst_all = 99.0
    for mode, mode_env in MODES.items():
        raw = capture(mode_env, width, height, [k for k in args.keys.split(",") if k], args.theme)
        pairs = text_pairs(parse_screen(raw, width, height))
        worst = pairs[0].ratio if pairs else 0.0
        worst_all = min(worst_all, worst)
        print(f"== {mode}: {len(pairs)} text pairs, lowest {worst:.2f}:1")
        print(describe(pairs if args.show else [p for p in pairs if p.ratio < 7] or pairs[:3]))
    print(f"lowest over all modes: {worst_all:.2f}:1 (target {TARGET}:1)")
    return 0 if worst_all >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""`pylon-tui completion bash|zsh|fish`: generated from the parser, and working in each shell.

The bash tests run the generated function in a real bash with COMP_WORDS set the way bash
sets them on <tab>; fish answers `complete -C` for a command line; zsh runs the same bash
function through its bashcompinit. A shell that is not installed skips its test with the
reason (scripts/test.sh installs zsh and fish).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
from pathlib import Path

import pytest

from pylon_tui.cli import build_parser, main
from pylon_tui.cli.completion import COLUMN_KEYS, every_command, script, walk

TIMEOUT = 30


def generated(shell: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["completion", shell]) == 0
    return capsys.readouterr().out


def shell_or_skip(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (scripts/test.sh installs it)")
    return found


def bash_complete(source: str, line: str, cwd: Path | None = None) -> list[str]:
    """What <tab> offers at the end of `line` (a trailing space starts a new word)."""
    words = line.split(" ")
    program = (
        f"{source}\n"
        f"COMP_WORDS=({' '.join(repr(w) for w in words)}); COMP_CWORD={len(words) - 1}\n"
        "_pylon_tui; printf '%s\\n' \"${COMPREPLY[@]}\"\n"
    )
    proc = subprocess.run(
        [shell_or_skip("bash"), "--norc", "--noprofile", "-c", program],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        cwd=cwd,
        check=True,
    )
    return [w for w in proc.stdout.splitlines() if w]


@pytest.fixture
def bash_script(capsys: pytest.CaptureFixture[str]) -> str:
    return generated("bash", capsys)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("pylon-tui mo", ["move"]),
        ("pylon-tui sandbox ", ["-h", "--help", "serve", "close", "write", "reset"]),
        ("pylon-tui sandbox r", ["reset"]),
        ("pylon-tui list --", ["--help", "--column", "--json", "--view", "--filter", "--sort"]),
        ("pylon-tui list --column on-", ["on-you", "on-hold"]),
        ("pylon-tui move 12 on-h", ["on-hold"]),
        ("pylon-tui move 12 on-hold --l", ["--link"]),
        ("pylon-tui completion ", ["bash", "zsh", "fish"]),
        ("pylon-tui --config board.toml lis", ["list"]),  # an option's value is not a command
        ("pylon-tui sandbox serve --port 80", []),  # a number: nothing to offer
    ],
)
def test_bash_completes_commands_options_and_values(
    bash_script: str, line: str, expected: list[str]
) -> None:
    assert bash_complete(bash_script, line) == expected


def test_bash_offers_every_command_at_the_top(bash_script: str) -> None:
    offered = bash_complete(bash_script, "pylon-tui ")
    for name in ("board", "list", "show", "move", "doctor", "setup", "sandbox", "completion"):
        assert name in offered
    assert "--config" in offered
    assert "--version" in offered


def test_bash_completes_file_names_for_config(bash_script: str, tmp_path: Path) -> None:
    (tmp_path / "work.toml").write_text("")
    (tmp_path / "other.txt").write_text("")
    assert bash_complete(bash_script, "pylon-tui --config wo", cwd=tmp_path) == ["work.toml"]


def test_a_new_option_completes_without_touching_the_script_code() -> None:
    """Generated from the parser: an option added to it is completed in every shell."""
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    assert isinstance(subparsers, argparse._SubParsersAction)
    subparsers.choices["list"].add_argument("--brand-new-flag", action="store_true")
    for shell in ("bash", "zsh", "fish"):
        assert "brand-new-flag" in script(parser, shell), shell


def test_every_option_of_every_command_is_in_every_script() -> None:
    parser = build_parser()
    scripts = {shell: script(parser, shell) for shell in ("bash", "zsh", "fish")}
    for command in every_command(walk(parser)):
        for option in command.options:
            for flag in option.flags:
                fish_form = f"-l {flag[2:]}" if flag.startswith("--") else f"-s {flag[1:]}"
                assert flag in scripts["bash"], (command.path, flag)
                assert flag in scripts["zsh"], (command.path, flag)
                assert fish_form in scripts["fish"], (command.path, flag)
    assert tuple(COLUMN_KEYS) == ("new", "on-you", "on-hold", "closed")


def test_fish_completes_through_fish(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    fish = shell_or_skip("fish")
    source = tmp_path / "pylon-tui.fish"
    source.write_text(generated("fish", capsys))

    def complete(line: str) -> list[str]:
        proc = subprocess.run(
            [fish, "--no-config", "-c", f"source {source}; complete -C '{line}'"],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=True,
        )
        return sorted(row.split("\t")[0] for row in proc.stdout.splitlines())

    top = complete("pylon-tui ")
    assert {"board", "list", "move", "sandbox", "completion"} <= set(top)
    assert complete("pylon-tui sandbox ") == ["close", "reset", "serve", "write"]
    assert complete("pylon-tui list --column ") == sorted(COLUMN_KEYS)
    assert complete("pylon-tui completion ") == ["bash", "fish", "zsh"]
    assert complete("pylon-tui list --") == [
        "--column",
        "--filter",
        "--help",
        "--json",
        "--sort",
        "--view",
    ]


def test_zsh_registers_the_completion(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    zsh = shell_or_skip("zsh")
    source = tmp_path / "pylon-tui.zsh"
    source.write_text(generated("zsh", capsys))
    program = (
        f"source {source}; complete -p; print -- '=='; setopt ksharrays; "
        "COMP_WORDS=(pylon-tui sandbox ''); COMP_CWORD=2; _pylon_tui; "
        'print -l -- "${COMPREPLY[@]}"'
    )
    proc = subprocess.run(
        [zsh, "-f", "-c", program],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    registered, offered = proc.stdout.split("==\n")
    assert "complete -F _pylon_tui pylon-tui" in registered.splitlines(), proc.stdout
    assert {"serve", "close", "reset"} <= set(offered.splitlines()), proc.stdout


def test_completion_needs_no_config_and_rejects_unknown_shells(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("this is [not toml")
    monkeypatch.setenv("PYLON_TUI_CONFIG", str(broken))
    assert main(["completion", "bash"]) == 0
    assert "complete -F _pylon_tui pylon-tui" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exited:
        main(["completion", "powershell"])
    assert exited.value.code == 2
    assert "invalid choice" in capsys.readouterr().err

"""The safe-text path is the only path: a source check that fails on a new bypass.

Textual parses a bare `str` as markup in Label, Static, Option, Select prompts, Table cells
and `update()`; Rich does in Table cells. Built strings (f-strings, concatenations, `one_line`,
`str`) therefore never go to those sinks directly in the tui: they go through
`pylon_tui.tui.safe.plain`. The command line prints only through `pylon_tui.cli.output`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "pylon_tui"
TUI = ROOT / "tui"
MARKUP_SINKS = {"Label", "Static", "Option", "Checkbox", "Button", "Hit", "DiscoveryHit"}
MARKUP_METHODS = {"update", "add_row", "add_option"}
BUILT_STRING_CALLS = {"one_line", "str", "format", "join", "strip_controls"}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _is_built_string(node: ast.expr) -> bool:
    """A str made at run time: the kind of value that may carry untrusted text."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return True
    return isinstance(node, ast.Call) and _name(node.func) in BUILT_STRING_CALLS


def _option_prompts(node: ast.expr) -> Iterator[ast.expr]:
    """The prompt half of `(prompt, value)` option pairs, in lists and comprehensions."""
    if isinstance(node, ast.List | ast.Tuple) and not (
        isinstance(node, ast.Tuple) and len(node.elts) == 2
    ):
        for element in node.elts:
            yield from _option_prompts(element)
    elif isinstance(node, ast.ListComp):
        yield from _option_prompts(node.elt)
    elif isinstance(node, ast.Tuple):
        yield node.elts[0]


def markup_bypasses(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        is_method = isinstance(node.func, ast.Attribute)
        if name in ("Select", "set_options"):
            suspects = [p for arg in node.args[:1] for p in _option_prompts(arg)]
        elif name in MARKUP_SINKS or (is_method and name in MARKUP_METHODS):
            suspects = node.args[:2]
        else:
            continue
        for arg in suspects:
            if _is_built_string(arg):
                found.append(f"{path.relative_to(root)}:{node.lineno} {name}() gets a built str")
    return found


def test_no_tui_widget_is_handed_a_built_string() -> None:
    found = [hit for path in sorted(TUI.rglob("*.py")) for hit in markup_bypasses(path)]
    assert found == []


def test_the_check_catches_each_kind_of_bypass(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "Label(f'#{n} {title}')\n"
        "Static(one_line(title))\n"
        "status.update('error: ' + message)\n"
        "Select([(one_line(u.name), u.id) for u in users])\n"
        "select.set_options([(f'{t.key} {t.name}', t.id) for t in teams])\n"
        "Label(plain(title))\n"
        "Label('constant')\n"
    )
    found = [hit.split(" ", 1)[1] for hit in markup_bypasses(bad, tmp_path)]
    assert found == [
        "Label() gets a built str",
        "Static() gets a built str",
        "update() gets a built str",
        "Select() gets a built str",
        "set_options() gets a built str",
    ]


def test_command_line_prints_only_through_cli_output() -> None:
    offenders = []
    for path in sorted(ROOT.glob("cli*.py")) + sorted(ROOT.glob("cli/*.py")):
        if path.name == "cli_output.py" or (path.parent.name == "cli" and path.name == "output.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and (
                _name(node.func) == "print"
                or (_name(node.func) == "write" and "std" in ast.unparse(node.func))
            ):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []

"""Layering: domain is stdlib-only; nothing below the TUI touches Textual or Rich.

Dependency direction is `domain <- api <- sync <- tui`; the sandbox speaks JSON only and never
imports the client's own layers, so it tests the client honestly.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "pylon_tui"
UI_LIBRARIES = frozenset({"textual", "rich"})
LAYERS = ("domain", "api", "sync", "sandbox")

# layer -> pylon_tui subpackages it must never import
FORBIDDEN: dict[str, frozenset[str]] = {
    "domain": frozenset({"api", "sync", "tui", "sandbox", "cli", "config", "setup_wizard"}),
    "api": frozenset({"sync", "tui"}),
    "sync": frozenset({"tui"}),
    "sandbox": frozenset({"domain", "api", "sync", "tui"}),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> Iterator[tuple[int, str]]:
    """Every absolute module name the file imports (relative imports resolved), anywhere in it."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base)
                if node.module:
                    yield node.lineno, f"{prefix}.{node.module}"
                else:  # from . import x, y: each may be a submodule
                    for alias in node.names:
                        yield node.lineno, f"{prefix}.{alias.name}"
            elif node.module:
                yield node.lineno, node.module
                if node.module == "pylon_tui":  # from pylon_tui import domain
                    for alias in node.names:
                        yield node.lineno, f"pylon_tui.{alias.name}"


def layer_files(layer: str) -> list[Path]:
    directory = PACKAGE / layer
    if not directory.is_dir():
        pytest.skip(f"pylon_tui/{layer} does not exist yet")
    return sorted(directory.rglob("*.py"))


def violations(layer: str) -> list[str]:
    found = []
    for path in layer_files(layer):
        where = path.relative_to(ROOT)
        for lineno, module in imported_modules(path):
            top = module.split(".")[0]
            parts = module.split(".")
            if top in UI_LIBRARIES:
                found.append(f"{where}:{lineno} imports {module} (UI library)")
                continue
            if top == "pylon_tui" and len(parts) > 1 and parts[1] in FORBIDDEN[layer]:
                found.append(f"{where}:{lineno} imports {module} (layer {layer} forbids it)")
            if layer == "domain" and top != "pylon_tui" and top not in sys.stdlib_module_names:
                found.append(f"{where}:{lineno} imports {module} (domain is stdlib only)")
            if (
                layer == "domain"
                and top == "pylon_tui"
                and module != "pylon_tui"
                and (parts[1] != "domain")
            ):
                found.append(f"{where}:{lineno} imports {module} (domain imports only itself)")
    return found


@pytest.mark.parametrize("layer", LAYERS)
def test_layer_imports(layer: str) -> None:
    assert violations(layer) == []


def test_checker_sees_relative_nested_and_ui_imports(tmp_path: Path, monkeypatch) -> None:
    """Guard the guard: the walker must catch what it is meant to catch."""
    fake_root = tmp_path
    domain = fake_root / "pylon_tui" / "domain"
    domain.mkdir(parents=True)
    (domain / "__init__.py").write_text("from . import board\n")
    (domain / "bad.py").write_text(
        "from __future__ import annotations\n"
        "import json\n"
        "from ..sync import service\n"
        "from . import board\n"
        "def f():\n"
        "    from rich.text import Text\n"
        "    import httpx\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "ROOT", fake_root)
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake_root / "pylon_tui")
    found = "\n".join(violations("domain"))
    assert "bad.py:3 imports pylon_tui.sync (layer domain forbids it)" in found
    assert "bad.py:6 imports rich.text (UI library)" in found
    assert "bad.py:7 imports httpx (domain is stdlib only)" in found
    assert "json" not in found
    assert "__future__" not in found
    assert "pylon_tui.domain.board" not in found


@pytest.mark.parametrize("package", ["domain", "api", "sync"])
def test_importing_layer_does_not_load_ui_libraries(package: str) -> None:
    if not (PACKAGE / package).is_dir():
        pytest.skip(f"pylon_tui/{package} does not exist yet")
    # httpx loads its optional command-line tool (which imports rich) whenever click is
    # installed, as it is with the test extras; a user's install has no click. Hide it so the
    # check sees what pylon_tui imports, not what httpx's CLI does.
    code = (
        "import importlib, json, sys\n"
        "sys.modules['click'] = None\n"
        f"importlib.import_module('pylon_tui.{package}')\n"
        "ui = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(json.dumps(ui))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []

"""The sandbox must stay a JSON-speaking stranger to the app it tests."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pylon_tui.sandbox

ALLOWED_THIRD_PARTY = {"httpx"}


def test_sandbox_imports_only_stdlib_and_httpx() -> None:
    package = Path(pylon_tui.sandbox.__file__).parent
    for source in sorted(package.rglob("*.py")):
        tree = ast.parse(source.read_text(), filename=str(source))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level > 0:
                continue  # relative: inside the sandbox package
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert (
                    top in sys.stdlib_module_names
                    or top in ALLOWED_THIRD_PARTY
                    or (name.startswith("pylon_tui.sandbox"))
                ), f"{source.name} imports {name}"

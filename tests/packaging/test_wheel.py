"""What `pipx install .`, `uv tool install .` and `pip install .` get: the wheel.

The wheel is built once here from the working tree (pip, with build isolation, like every
installer does) and checked for what a terminal tool needs: every module, the stylesheet and
py.typed, the `pylon-tui` entry point, the declared dependencies, and one version. Then it
is run unpacked from a directory that is not the checkout, so nothing can come from the repo.
"""

from __future__ import annotations

import email.parser
import importlib.util
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import pylon_tui
from pylon_tui.cli import main

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "pylon_tui"
BUILD_TIMEOUT = 300


def pyproject() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("pip") is None:
        pytest.skip("pip is not installed in this environment (e.g. `uv venv` without --seed)")
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    [built] = out.glob("pylon_tui-*.whl")
    return built


def metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        [name] = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return email.parser.Parser().parsestr(archive.read(name).decode())


def test_version_has_one_source(capsys: pytest.CaptureFixture[str]) -> None:
    project = pyproject()["project"]
    assert isinstance(project, dict)
    assert "version" not in project, "the version is written in pylon_tui/__init__.py only"
    assert "version" in project["dynamic"]
    tool = pyproject()["tool"]
    assert isinstance(tool, dict)
    assert tool["setuptools"]["dynamic"]["version"] == {"attr": "pylon_tui.__version__"}
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"pylon-tui {pylon_tui.__version__}"


def test_wheel_carries_every_module_the_stylesheet_and_py_typed(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    sources = {
        path.relative_to(ROOT).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }
    assert "pylon_tui/tui/app.tcss" in sources
    assert "pylon_tui/py.typed" in sources
    assert sources - names == set(), "files of the package missing from the wheel"
    assert not {n for n in names if n.startswith(("tests/", "bench/", "scripts/"))}
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    with zipfile.ZipFile(wheel) as archive:
        scripts = archive.read(entry_points).decode()
    assert "pylon-tui = pylon_tui.cli:main" in scripts


def test_wheel_metadata_matches_the_project(wheel: Path) -> None:
    meta = metadata(wheel)
    project = pyproject()["project"]
    assert isinstance(project, dict)
    assert meta["Version"] == pylon_tui.__version__
    assert meta["Requires-Python"] == project["requires-python"]
    assert meta["Description-Content-Type"] == "text/markdown"  # what PyPI renders
    requires = [r for r in meta.get_all("Requires-Dist") or [] if "extra ==" not in r]
    normalise = lambda spec: spec.replace(" ", "").replace("_", "-").lower()  # noqa: E731
    assert sorted(map(normalise, requires)) == sorted(map(normalise, project["dependencies"]))


def test_unpacked_wheel_runs_from_any_directory(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYLON", "XDG_"))}
    env |= {"PYTHONPATH": str(site), "HOME": str(elsewhere), "XDG_DATA_HOME": str(elsewhere)}
    env |= {"XDG_STATE_HOME": str(elsewhere), "XDG_CONFIG_HOME": str(elsewhere)}
    env.pop("LINEAR_API_KEY", None)
    env.pop("GITHUB_TOKEN", None)
    probe = (
        "import pathlib, pylon_tui, pylon_tui.tui.app as app;"
        "here = pathlib.Path(app.__file__).parent;"
        "print(pylon_tui.__file__);"
        "print((here / app.PylonApp.CSS_PATH).is_file())"
    )

    def run(*argv: str) -> str:
        proc = subprocess.run(
            [sys.executable, *argv],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
        return proc.stdout

    imported_from, stylesheet_found = run("-c", probe).split()
    assert Path(imported_from).is_relative_to(site), imported_from
    assert stylesheet_found == "True"
    assert run("-m", "pylon_tui", "--version").strip() == f"pylon-tui {pylon_tui.__version__}"
    listed = run("-m", "pylon_tui", "list", "--column", "new")
    assert "\nNew (" in listed, listed  # the sandbox board, after its one-line notice

"""One bootstrap builds the board for the CLI, the tests and the benchmarks.

No Textual import at module level: part of what is checked is that the headless path never
loads it.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from pylon_tui.bootstrap import (
    SANDBOX_ME_EMAIL,
    cache_path,
    make_app,
    make_services,
    open_services,
)
from pylon_tui.config import BoardSettings, Config, PylonSettings, Secret

ROOT = Path(__file__).resolve().parents[2]
BUILDERS = frozenset({"AppContext", "PylonApp"})
TOKENS = ("PYLON_API_TOKEN", "LINEAR_API_KEY", "GITHUB_TOKEN", "PYLON_TUI_CONFIG")


def hermetic_env(tmp_path: Path) -> dict[str, str]:
    """XDG dirs inside tmp_path and no tokens: the sandbox, with files only this test sees."""
    env = {k: v for k, v in os.environ.items() if k not in TOKENS}
    env.update({f"XDG_{n}_HOME": str(tmp_path / n.lower()) for n in ("DATA", "STATE", "CONFIG")})
    return env


@pytest.fixture(autouse=True)
def hermetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in hermetic_env(tmp_path).items():
        if name.startswith("XDG_"):
            monkeypatch.setenv(name, value)
    for name in TOKENS:
        monkeypatch.delenv(name, raising=False)


async def test_make_services_uses_the_sandbox_without_a_token() -> None:
    services = make_services(Config())
    try:
        assert services.sandbox
        assert services.linear is not None
        assert services.github is not None
        assert services.service.me_email == SANDBOX_ME_EMAIL
        assert await services.service.load() > 0  # the seeded sandbox answered, no network
    finally:
        await services.aclose()


async def test_a_token_means_the_real_service_and_its_own_cache() -> None:
    config = Config(pylon=PylonSettings(token=Secret("pylon_test_token")))
    refused = httpx.MockTransport(lambda request: httpx.Response(401))
    services = make_services(config, transport=refused)
    try:
        assert not services.sandbox
        assert services.linear is None  # no Linear key configured
        assert services.service.me_email is None
        assert cache_path(config) != cache_path(Config())
    finally:
        await services.aclose()


def test_headless_build_does_not_import_textual(tmp_path: Path) -> None:
    # httpx loads its optional CLI (which imports rich) whenever click is installed, as it is
    # with the test extras; hide it so the check sees what pylon_tui imports.
    code = (
        "import json, sys\n"
        "sys.modules['click'] = None\n"
        "from pylon_tui.bootstrap import make_services\n"
        "from pylon_tui.cli import main\n"
        "from pylon_tui.config import Config\n"
        "make_services(Config())\n"
        "assert main(['list', '--json']) == 0\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'rich'})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=hermetic_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    *board, loaded_ui = result.stdout.strip().splitlines()
    assert json.loads("\n".join(board))["sandbox"] is True  # `list` really ran
    assert json.loads(loaded_ui) == []


async def test_make_app_takes_settings_from_config_and_arguments_win() -> None:
    config = replace(
        Config(),
        board=BoardSettings(refresh_seconds=45, bell_on_return=True),
        templates={"acknowledge": "Looking now"},
        keys={"refresh": "f5"},
    )
    services = make_services(config)
    try:
        app = make_app(services, config=config, refresh_seconds=0)
        ctx = app.ctx
        assert ctx.service is services.service
        assert ctx.sandbox
        assert ctx.refresh_seconds == 0  # the explicit argument
        assert ctx.bell_on_return
        assert ctx.templates == {"acknowledge": "Looking now"}
        assert app.keymap_overrides == {"refresh": "f5"}
        assert ctx.linear is services.linear
        assert ctx.watcher is not None
        bare = make_app(services).ctx
        assert bare.watcher is None
        assert bare.templates == {}
        assert bare.refresh_seconds == 30
    finally:
        await services.aclose()


async def test_open_services_paints_from_the_cache_and_keeps_its_notes() -> None:
    from tests.tui.fakes import notifications

    config = Config()
    first = open_services(config)
    assert len(first.service.board) == 0
    assert first.notes == []
    await first.service.load()
    loaded = len(first.service.board)
    await first.aclose()
    first.close_store()

    again = open_services(config)  # painted before any request
    assert len(again.service.board) == loaded > 0
    await again.aclose()
    again.close_store()

    cache_path(config).write_bytes(b"not a database" * 100)
    damaged = open_services(config)
    assert damaged.store is not None
    assert damaged.notes is damaged.store.notes
    assert any("moved to" in note for note in damaged.notes)
    app = make_app(damaged, config=config, autoload=False)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert any("moved to" in message for _, message in notifications(app))
    await damaged.aclose()
    damaged.close_store()


# ----- make_app is the only place that builds AppContext and PylonApp --------------------


def builder_calls(path: Path) -> Iterator[tuple[int, str]]:
    """(line, name) of every call to AppContext(...) or PylonApp(...), plain or dotted."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in BUILDERS:
                yield node.lineno, name


def python_files() -> Iterator[Path]:
    for top in ("pylon_tui", "tests", "bench"):
        yield from sorted((ROOT / top).rglob("*.py"))


def test_make_app_is_the_only_appcontext_builder() -> None:
    found = {
        f"{path.relative_to(ROOT)}:{line} {name}(...)"
        for path in python_files()
        for line, name in builder_calls(path)
    }
    elsewhere = sorted(f for f in found if not f.startswith("pylon_tui/bootstrap.py:"))
    assert elsewhere == [], "build the app with bootstrap.make_app"
    assert {f.rsplit(" ", 1)[1] for f in found} == {"AppContext(...)", "PylonApp(...)"}


def test_builder_scan_sees_plain_and_dotted_calls(tmp_path: Path) -> None:
    """Guard the guard: a hand-built context or app anywhere must show up."""
    source = tmp_path / "sneaky.py"
    source.write_text(
        "from pylon_tui.tui import app, context\n"
        "ctx = context.AppContext(service)\n"
        "def build():\n"
        "    return app.PylonApp(ctx, autoload=False)\n"
        "class Mine(PylonApp):\n"  # a subclass is not a build
        "    pass\n"
    )
    assert list(builder_calls(source)) == [(2, "AppContext"), (4, "PylonApp")]

"""Fixtures for the sync fault tests (the rig itself is in faultrig.py)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from pylon_tui.sandbox import Sandbox
from tests.sync.faultrig import Rig, make_rig, teardown


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sandbox-template") / "sandbox.sqlite3"
    with Sandbox(path) as sandbox:
        sandbox.ensure_seeded()
    return path


@pytest.fixture(params=["inproc", "served"])
async def rig(
    request: pytest.FixtureRequest, tmp_path: Path, seeded_db: Path
) -> AsyncIterator[Rig]:
    made = await make_rig(tmp_path, seeded_db, served=request.param == "served")
    yield made
    await teardown(made)


@pytest.fixture
async def local(tmp_path: Path, seeded_db: Path) -> AsyncIterator[Rig]:
    made = await make_rig(tmp_path, seeded_db, served=False)
    yield made
    await teardown(made)


@pytest.fixture
async def served(tmp_path: Path, seeded_db: Path) -> AsyncIterator[Rig]:
    made = await make_rig(tmp_path, seeded_db, served=True)
    yield made
    await teardown(made)


@pytest.fixture(autouse=True)
def _bounded(request: pytest.FixtureRequest) -> Iterator[None]:
    """A hang here is a bug (a retry loop, a lost wake-up): fail fast instead."""
    started = time.monotonic()
    yield
    assert time.monotonic() - started < 10, f"{request.node.name} took too long"

"""Fixtures for the Pilot tests: a FakePylon and the board app built over it."""

from __future__ import annotations

import pytest

from pylon_tui.tui.app import PylonApp

from .fakes import FakePylon, build_app


@pytest.fixture
def fake() -> FakePylon:
    return FakePylon()


@pytest.fixture
def app(fake: FakePylon) -> PylonApp:
    return build_app(fake)

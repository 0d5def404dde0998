"""The embedded sandbox opens at its first request, after the board's first frame.

So its import, file and seeding check never delay the first paint; and a sandbox file that
cannot be opened still ends in a message naming the fix (it used to fail at start-up)."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

from pylon_tui.api.errors import ApiError
from pylon_tui.clients import sandbox_transport


async def test_the_sandbox_file_is_created_at_the_first_request(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.sqlite3"
    transport = sandbox_transport(path)
    assert not path.exists(), "nothing opened before a request"
    async with httpx.AsyncClient(transport=transport, base_url="https://api.usepylon.com") as c:
        answer = await c.get("/me", headers={"Authorization": "Bearer x"})
    assert answer.status_code == 200
    assert path.exists()


async def test_a_sandbox_file_that_cannot_be_opened_names_the_fix(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the sandbox's folder should be")
    transport = sandbox_transport(blocker / "sandbox.sqlite3")
    async with httpx.AsyncClient(transport=transport, base_url="https://api.usepylon.com") as c:
        with pytest.raises(ApiError) as raised:
            await c.get("/me")
    error = raised.value
    assert error.service == "Sandbox"
    assert "could not be opened" in str(error)
    assert str(blocker / "sandbox.sqlite3") in error.hint
    assert "pylon-tui doctor" in error.hint


def test_the_board_starts_without_the_sandbox_httpx_or_the_clients() -> None:
    """What the board imports before its first frame (cli, bootstrap, the app): none of
    the emulator, httpx or the HTTP clients, which wait for the first request."""
    import subprocess

    later = ["pylon_tui.sandbox", "httpx", "pylon_tui.api.pylon", "pylon_tui.clients"]
    code = (
        "import sys; from pylon_tui import bootstrap; from pylon_tui.cli import commands; "
        "from pylon_tui.tui.app import PylonApp; "
        f"print([m for m in {later!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

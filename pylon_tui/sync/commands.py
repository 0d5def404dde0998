"""Run a user's command (a custom action, the notify hook) as an argv, never through a shell.

No terminal is handed over (stdin is /dev/null, output is captured), so a command can never
draw over the board or wait for keys; it is killed after its timeout. What it printed comes
back as text for the caller to show through the safe-text path.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass

MAX_OUTPUT = 64 * 1024


@dataclass(frozen=True, slots=True)
class CommandResult:
    returncode: int | None
    """None when it could not start or was killed after its timeout."""
    output: str
    problem: str = ""
    """Why it did not run or finish, as a sentence; empty when it ran to its end."""

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.problem

    def summary(self, name: str) -> str:
        if self.problem:
            return f"{name}: {self.problem}"
        if self.returncode == 0:
            return f"{name} finished"
        return f"{name} exited with status {self.returncode}"


async def run_argv(argv: Sequence[str], *, limit_seconds: float) -> CommandResult:
    program = argv[0] if argv else ""
    try:
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
    except FileNotFoundError:
        return CommandResult(None, "", f"command {program!r} not found (check its PATH)")
    except OSError as error:
        return CommandResult(None, "", f"could not run {program!r} ({error.strerror})")
    try:
        out, _ = await asyncio.wait_for(process.communicate(), limit_seconds)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        return CommandResult(None, "", f"{program!r} was stopped after {limit_seconds:g} s")
    text = out[-MAX_OUTPUT:].decode("utf-8", errors="replace")
    return CommandResult(process.returncode, text)

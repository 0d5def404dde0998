"""Embedded Pylon + Linear + GitHub emulator over SQLite.

It speaks JSON over an httpx transport or a loopback HTTP server and never imports the app's
domain/api/sync/tui packages, so tests through it exercise the real client code honestly.
"""

from __future__ import annotations

from .core import Sandbox
from .transport import SandboxTransport, serve, serve_forever

__all__ = ["Sandbox", "SandboxTransport", "serve", "serve_forever"]

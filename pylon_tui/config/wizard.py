"""``pylon-tui setup``: a short question-and-answer that writes a valid config file.

All I/O goes through injected callables (the CLI passes ``input``/``getpass``/``print``) so
the whole conversation is testable without a terminal. The wizard steers users towards keeping
tokens out of the file (env var or a password-manager command); storing one is allowed, and
then the file is written 0600 like every config write.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pylon_tui.domain.region import REGION_HOSTS, prefix_of, token_kind, token_region

from . import (
    MIN_REFRESH_SECONDS,
    REGIONS,
    TOKEN_ENV,
    ConfigError,
    validate_config_data,
    write_config,
)

Ask = Callable[[str, str], str]
AskSecret = Callable[[str], str]
Out = Callable[[str], None]

MAX_ATTEMPTS = 5
"""Re-ask a bad answer a few times, then stop: piped input must not loop forever."""

_METHODS = {
    "env": ("env", "1", "e", "environment"),
    "command": ("command", "2", "c", "cmd", "token_command"),
    "file": ("file", "3", "f", "store"),
    "none": ("none", "4", "n", "skip", "no"),
}


class _Conversation:
    def __init__(self, ask: Ask, ask_secret: AskSecret, out: Out) -> None:
        self.ask = ask
        self.ask_secret = ask_secret
        self.out = out

    def answer(self, prompt: str, default: str, parse: Callable[[str], str | None]) -> str:
        """Ask until ``parse`` accepts; an empty answer means ``default``."""
        for _ in range(MAX_ATTEMPTS):
            reply = self.ask(prompt, default).strip() or default
            parsed = parse(reply)
            if parsed is not None:
                return parsed
            self.out(f"  Sorry, {reply!r} is not a valid answer.")
        raise ConfigError(f"setup: gave up after {MAX_ATTEMPTS} invalid answers to {prompt!r}")

    def secret(self, prompt: str) -> str:
        for _ in range(MAX_ATTEMPTS):
            value = self.ask_secret(prompt).strip()
            if value and not any(ch.isspace() for ch in value):
                return value
            # Never repeat the value back: it may be a real token with a stray space.
            self.out("  That doesn't look like a token (empty or contains spaces); try again.")
        raise ConfigError(f"setup: gave up after {MAX_ATTEMPTS} invalid answers to {prompt!r}")

    def token_section(self, service: str, label: str, default: str) -> tuple[str, dict[str, str]]:
        """Ask how to supply one service's token; return the method and the keys to store."""
        env_var = TOKEN_ENV[service]
        self.out(
            f"How should pylon-tui get your {label} token?\n"
            f"  1) env      read ${env_var} (recommended)\n"
            "  2) command  run a command that prints it, e.g. `op read op://Private/x/token`\n"
            "  3) file     store it in the config file (readable only by you, mode 0600)\n"
            "  4) none     no token"
            + (" (sandbox mode: a built-in demo Pylon)" if service == "pylon" else "")
        )
        method = self.answer(f"{label} token source [env/command/file/none]", default, _method)
        if method == "env":
            self.out(f"  OK: export {env_var}=... in your shell profile.")
            return method, {}
        if method == "command":
            command = self.answer(f"Command that prints your {label} token", "", _command)
            return method, {"token_command": command}
        if method == "file":
            token = self.secret(f"{label} API token (input hidden): ")
            self.out(f"  {label} token will be stored in the config file (mode 0600).")
            return method, {"token": token}
        return method, {}


def _method(reply: str) -> str | None:
    lowered = reply.lower()
    for method, aliases in _METHODS.items():
        if lowered in aliases:
            return method
    return None


def _command(reply: str) -> str | None:
    try:
        return reply if shlex.split(reply) else None
    except ValueError:
        return None


def _region(reply: str) -> str | None:
    lowered = reply.lower()
    return lowered if lowered in REGIONS else None


def _email(reply: str) -> str | None:
    if reply in ("", "-"):
        return ""
    return reply if re.fullmatch(r"[^@\s]+@[^@\s]+", reply) else None


def _refresh(reply: str) -> str | None:
    try:
        value = float(reply)
    except ValueError:
        return None
    return reply if value >= MIN_REFRESH_SECONDS else None


def _yes(reply: str) -> str | None:
    lowered = reply.lower()
    if lowered in ("y", "yes"):
        return "y"
    if lowered in ("n", "no"):
        return "n"
    return None


def _optional(reply: str) -> str | None:
    return "" if reply == "-" else reply


def _settle_region(talk: _Conversation, chosen: str, said: str | None) -> str:
    """When the token's prefix names the other region, say so and offer the token's: a token
    works in its own region only (Pylon answers wrong_region_token elsewhere)."""
    if said is None or said == chosen:
        return chosen
    talk.out(
        f"  Your Pylon token is {token_kind(said)} (it starts {prefix_of(said)}), but you chose "
        f"{chosen!r}; it only works on https://{REGION_HOSTS[said]}."
    )
    if talk.answer(f"Use region {said!r}, as the token says? [Y/n]", "y", _yes) == "y":
        return said
    talk.out(f"  Keeping {chosen!r}: pylon-tui will still use the token's region, and say so.")
    return chosen


def run_setup(
    path: Path,
    *,
    ask: Ask,
    ask_secret: AskSecret,
    out: Out,
    environ: Mapping[str, str] | None = None,
) -> Path:
    """Interview the user and write ``path``; returns ``path`` (written or left untouched).

    ``ask(prompt, default)`` should show the default and may return "" to accept it;
    ``ask_secret(prompt)`` must not echo. An existing file is only replaced after an explicit
    "y" to the overwrite question; otherwise nothing is written and a message says so.
    The region defaults to what the token's prefix says (the one in ``environ``, then a
    token typed in); only the prefix is read, the token is never repeated.
    """
    environ = os.environ if environ is None else environ
    env_region = token_region(environ.get(TOKEN_ENV["pylon"]))
    talk = _Conversation(ask, ask_secret, out)
    if path.exists():
        consent = talk.answer(f"{path} already exists. Overwrite? [y/N]", "n", _yes)
        if consent != "y":
            out(f"Left the existing config unchanged: {path}")
            return path

    out(f"Setting up pylon-tui; the answers go to {path}.")
    if env_region:
        out(f"  ${TOKEN_ENV['pylon']} holds {token_kind(env_region)}: the region defaults to it.")
    region = talk.answer(f"Pylon region [{'/'.join(REGIONS)}]", env_region or "us", _region)
    method, pylon = talk.token_section("pylon", "Pylon", "env")
    said = token_region(pylon.get("token")) if method == "file" else None
    if method == "env":
        said = env_region
    pylon = {"region": _settle_region(talk, region, said), **pylon}
    linear_method, linear_keys = talk.token_section("linear", "Linear", "env")
    linear: dict[str, Any] = dict(linear_keys)
    if linear_method != "none":
        workspace = talk.answer(
            "Linear workspace slug, as in linear.app/<workspace> (blank to skip)", "", _optional
        )
        if workspace:
            linear["workspace"] = workspace
    email = talk.answer("Your email in Pylon, used by 'assign to me' (blank to skip)", "", _email)
    refresh = talk.answer(
        f"Refresh the board every N seconds (at least {MIN_REFRESH_SECONDS:g})", "30", _refresh
    )

    data: dict[str, Any] = {}
    if email:
        data["me_email"] = email
    data["pylon"] = pylon
    if linear:
        data["linear"] = linear
    data["board"] = {"refresh_seconds": _number(refresh)}
    validate_config_data(data, source=path)
    write_config(path, data)
    out(f"Wrote {path} (mode 0600). Run `pylon-tui doctor` to check the connection.")
    return path


def _number(text: str) -> int | float:
    """Keep whole numbers as TOML integers so the file reads the way the user typed it."""
    value = float(text)
    return int(value) if value.is_integer() else value

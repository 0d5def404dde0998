"""Any config file either loads or gives one line naming the key (or the line) (issue 12).

Two generators: random TOML-ish text and bytes (so the TOML parser's own failures are hit),
and well-formed TOML with random values of every TOML type for every key the config model
knows (`SECTIONS`, `TOP_LEVEL`, `COLUMN_KEYS`), so each validator meets values it did not
expect. A config that loads must also build a working board: the D12 crashes (timedelta of
1e308 minutes, a date 999999999 days back) happened after validation, in the code using it.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

import httpx
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pylon_tui.bootstrap import make_services
from pylon_tui.config import ConfigError, load_config
from pylon_tui.config.keys import KEY_ACTIONS
from pylon_tui.config.parse import COLUMN_KEYS, SECTIONS, TOP_LEVEL
from pylon_tui.sync.store import Store

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ALL_KEYS = sorted(
    {*TOP_LEVEL, *COLUMN_KEYS, *KEY_ACTIONS, *(k for keys in SECTIONS.values() for k in keys)}
)
WORDS = st.sampled_from(ALL_KEYS)
TOKENS = st.sampled_from(
    [
        *(f"[{s}]" for s in SECTIONS),
        "[[columns]]",
        "[keys]",
        "[templates]",
        " = ",
        "=",
        "\n",
        '"',
        "'",
        '"""',
        "[",
        "]",
        "{",
        "}",
        ",",
        ".",
        "#",
        "1e308",
        "inf",
        "nan",
        "-1",
        "99999",
        "9" * 30,
        "true",
        "1979-05-27T07:32:00Z",
        '"http://[::1"',
        '"http://127.0.0.1:99999"',
        '"http://admin:pw@127.0.0.1"',
        '"http://api.usepylon.com"',
        '"\\u001b[2J"',
        '"\\n"',
        "\x00",
        "\x1b",
        "\u2028",
        "\ud800",
    ]
)
TOML_TEXT = st.lists(TOKENS | WORDS | st.text(max_size=6), max_size=40).map("".join)

SCALAR = (
    st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.sampled_from([0, 1, -1, 5, 30, 31, 86400, 99999, 999999999, 2**63 - 1])
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([0.0, 0.05, 0.5, 1.0, 1e308, math.inf, math.nan])
    | st.text(max_size=20)
    | st.sampled_from(
        [
            "",
            " ",
            "us",
            "eu",
            "new",
            "closed",
            "L,shift+right",
            "ctrl+q",
            "x@y",
            "http://127.0.0.1:8765",
            "http://[::1",
            "http://127.0.0.1:99999",
            "http://admin:hunter2@127.0.0.1:1",
            "http://api.usepylon.com",
            "https://api.usepylon.com",
            "[@click=app.quit]x[/]",
            "\x1b]52;c;Zm9v\x07",
            "false",  # a token_command: the stub below never runs anything
        ]
    )
    | st.datetimes(timezones=st.none() | st.just(dt.UTC))
    | st.dates()
    | st.times()
)
VALUE = st.recursive(
    SCALAR,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(WORDS, inner, max_size=3),
    max_leaves=6,
)


SLUGS = st.sampled_from(["new", "waiting_on_you", "on_hold", "closed", "waiting_on_customer"])
GOOD: dict[str, st.SearchStrategy[Any]] = {
    "region": st.sampled_from(["us", "eu", "US"]),
    "base_url": st.sampled_from(
        ["https://api.usepylon.com", "http://127.0.0.1:8765", "http://[::1]:1", "http://localhost"]
    ),
    "token": st.text(min_size=1, max_size=20),
    "token_command": st.just("vault read pylon"),
    "rate_share": st.floats(0.05, 1.0),
    "workspace": st.sampled_from(["acme", "a-b"]),
    "default_team": st.sampled_from(["ENG", "OPS"]),
    "refresh_seconds": st.floats(5, 86_400) | st.integers(5, 86_400),
    "full_reconcile_minutes": st.floats(1, 1_440) | st.integers(1, 1_440),
    "bell_on_return": st.booleans(),
    "key": st.sampled_from(["new", "on_you", "x-1", "_c"]),
    "title": st.text(max_size=12),
    "states": st.lists(SLUGS, min_size=1, max_size=2, unique=True),
    "recent_days": st.integers(1, 30),
}


def _value(draw: st.DrawFn, key: str) -> Any:
    """Usually a plausible value (so later validators are reached), sometimes anything."""
    good = GOOD.get(key)
    if good is not None and draw(st.integers(0, 3)) != 2:
        return draw(good)
    return draw(VALUE)


@st.composite
def config_data(draw: st.DrawFn) -> dict[str, Any]:
    """A TOML document: each known key maybe present, with a plausible or a hostile value."""
    data: dict[str, Any] = {}
    for section, keys in SECTIONS.items():
        if draw(st.booleans()):
            data[section] = {k: _value(draw, k) for k in keys if draw(st.booleans())}
    if draw(st.booleans()):
        columns = []
        for index in range(draw(st.integers(0, 3))):
            column = {k: _value(draw, k) for k in COLUMN_KEYS if draw(st.integers(0, 3)) > 0}
            if isinstance(column.get("key"), str):
                column["key"] += str(index)  # unique keys, so more files pass that check
            columns.append(column)
        data["columns"] = columns
    if draw(st.booleans()):
        actions = st.sampled_from(KEY_ACTIONS) | st.text(max_size=12)
        names = st.sampled_from(["ctrl+x", "L,shift+right", "?"]) | VALUE
        data["keys"] = draw(st.dictionaries(actions, names, max_size=3))
    if draw(st.booleans()):
        data["templates"] = draw(st.dictionaries(st.text(max_size=8), VALUE, max_size=2))
    if draw(st.booleans()):
        data["me_email"] = draw(st.just("me@example.com") | VALUE)
    if draw(st.integers(0, 19)) == 13:  # not 0: Hypothesis favours the simplest draw
        data[draw(st.text(max_size=10))] = draw(VALUE)
    return data


def _no_commands(*args: object, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    """Stands in for token_command: generated text must never run a program."""
    return subprocess.CompletedProcess(["stub"], 0, stdout=b"tok-from-command-123\n", stderr=b"")


def _check(path: Path) -> None:
    """The property: loads (and builds a board) or one ConfigError line naming where."""
    failure: ConfigError | None = None
    try:
        with mock.patch("pylon_tui.config.parse.subprocess.run", _no_commands):
            config = load_config(path, env={})
    except ConfigError as error:
        failure = error
    if failure is not None:
        text = str(failure)
        assert text, "empty message"
        assert all(ch.isprintable() or ch == " " for ch in text), text
        if failure.key is not None:
            assert failure.key in text, (failure.key, text)
        else:
            assert "line" in text or "UTF-8" in text or "end of the file" in text, text
        return
    transport = httpx.MockTransport(lambda request: httpx.Response(500))
    services = make_services(config, transport=transport, store=Store(":memory:"))
    services.service.board_filter()
    assert config.board.refresh_seconds <= 86_400
    assert config.board.full_reconcile_minutes <= 1_440


_DIR = Path(tempfile.mkdtemp(prefix="pylon-tui-config-prop-"))


def _write(data: bytes) -> Path:
    path = _DIR / "config.toml"
    path.write_bytes(data)
    os.chmod(path, 0o600)
    return path


@SETTINGS
@given(config_data())
def test_any_value_for_any_key_loads_or_names_the_key(data: dict[str, Any]) -> None:
    try:
        text = tomli_w.dumps(data)
    except (TypeError, ValueError):  # not representable as TOML (e.g. a lone surrogate)
        return
    _check(_write(text.encode("utf-8", "surrogatepass")))


@SETTINGS
@given(TOML_TEXT)
def test_any_toml_ish_text_loads_or_names_the_line(text: str) -> None:
    _check(_write(text.encode("utf-8", "surrogatepass")))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_load_or_name_the_problem(data: bytes) -> None:
    _check(_write(data))

"""Hostile config values (issue 12 items 7 and 11): one line naming the key, never a traceback.

The reliability run found values that crashed with OverflowError or ValueError (a port past
65535, `http://[::1`, `1e308` minutes, a billion recent days), a `[keys]` typo accepted
silently, `http://` accepted for any host (the token in clear) and a password in `base_url`
printed by `doctor` and sent as Basic auth in place of the token.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from pylon_tui.bootstrap import make_services
from pylon_tui.config import ConfigError, PylonSettings, load_config
from pylon_tui.config.keys import KEY_ACTIONS
from pylon_tui.sync.store import Store


def load_text(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o600)
    return path


def config_error(tmp_path: Path, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_config(load_text(tmp_path, text), env={})
    error = info.value
    assert "\n" not in str(error)
    assert str(error).isprintable()
    return error


URL_CASES = [
    ("http://127.0.0.1:99999", "port between 1 and 65535"),
    ("http://127.0.0.1:0", "port between 1 and 65535"),
    ("http://127.0.0.1:port", "port between 1 and 65535"),
    ("http://[::1", "not a valid URL"),
    ("http://[::1]]", "not a valid URL"),
    ("http://api.usepylon.com", "must use https for 'api.usepylon.com'"),
    ("http://10.0.0.5:8080", "must use https"),
    ("http://127.0.0.1.evil.example", "must use https"),
    ("http://localhost.evil.example", "must use https"),
    ("http://[::ffff:8.8.8.8]", "must use https"),
    ("https://admin:hunter2@api.usepylon.com", "must not contain a user name or password"),
    ("http://admin:hunter2@127.0.0.1:8765", "must not contain a user name or password"),
    ("https://token@api.usepylon.com", "must not contain a user name or password"),
    ("https://:443", "must name a host"),
    ("https://api.usepylon.com/?a=1", "query or fragment"),
    ("https://api.use pylon.com", "spaces or control characters"),
    ("https://api.usepylon.com\\u001b]52;c;Zm9v\\u0007", "spaces or control characters"),
    ("https://api.use\\u2028pylon.com", "spaces or control characters"),
    ("javascript:alert(1)", "must be an http(s) URL"),
]


@pytest.mark.parametrize(("url", "expected"), URL_CASES)
def test_bad_base_urls_are_one_line_errors_naming_the_key(
    tmp_path: Path, url: str, expected: str
) -> None:
    error = config_error(tmp_path, f'[pylon]\nbase_url = "{url}"\n')
    assert error.key == "pylon.base_url"
    assert "pylon.base_url" in str(error)
    assert expected in str(error)
    assert "hunter2" not in str(error)
    assert "token@" not in str(error)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8765",
        "http://127.1.2.3/pylon",
        "http://localhost:8765/",
        "http://[::1]:8765",
        "https://api.eu.usepylon.com",
        "https://proxy.example:8443/pylon",
    ],
)
def test_loopback_http_and_any_https_are_accepted(tmp_path: Path, url: str) -> None:
    config = load_config(load_text(tmp_path, f'[pylon]\nbase_url = "{url}"\n'), env={})
    assert config.pylon.api_url == url.rstrip("/")


def test_the_model_refuses_the_same_urls_as_the_file() -> None:
    for url, expected in URL_CASES:
        if "\\u" in url:
            continue
        with pytest.raises(ConfigError) as info:
            PylonSettings(base_url=url)
        assert expected in str(info.value)


NUMBER_CASES = [
    ("[board]\nrefresh_seconds = 1e308\n", "board.refresh_seconds", "at most 86400"),
    ("[board]\nrefresh_seconds = inf\n", "board.refresh_seconds", "at most"),
    ("[board]\nrefresh_seconds = -inf\n", "board.refresh_seconds", "at least 5"),
    ("[board]\nrefresh_seconds = 99999999999999999999999\n", "board.refresh_seconds", "at most"),
    ("[board]\nfull_reconcile_minutes = 1e308\n", "board.full_reconcile_minutes", "at most 1440"),
    ("[board]\nfull_reconcile_minutes = nan\n", "board.full_reconcile_minutes", "at least 1"),
    ("[board]\nfull_reconcile_minutes = -1\n", "board.full_reconcile_minutes", "at least 1"),
    ("[pylon]\nrate_share = 1e308\n", "pylon.rate_share", "at most 1"),
    ("[pylon]\nrate_share = 0\n", "pylon.rate_share", "at least 0.05"),
    (
        '[[columns]]\nkey = "c"\nstates = ["closed"]\nrecent_days = 999999999\n',
        "columns[0].recent_days",
        "<= 30",
    ),
    (
        '[[columns]]\nkey = "c"\nstates = ["closed"]\nrecent_days = 31\n',
        "columns[0].recent_days",
        "<= 30",
    ),
    (
        '[[columns]]\nkey = "c"\nstates = ["closed"]\nrecent_days = -1\n',
        "columns[0].recent_days",
        ">= 1",
    ),
    (
        '[[columns]]\nkey = "c"\nstates = ["closed"]\nrecent_days = 7.5\n',
        "columns[0].recent_days",
        "whole number",
    ),
]


@pytest.mark.parametrize(("text", "key", "expected"), NUMBER_CASES)
def test_numbers_out_of_a_sane_range_name_the_key(
    tmp_path: Path, text: str, key: str, expected: str
) -> None:
    error = config_error(tmp_path, text)
    assert error.key == key
    assert expected in str(error)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a = " + "[" * 3000 + "]" * 3000 + "\n", "line 1, column"),
        ("[board]\nrefresh_seconds = " + "9" * 5000 + "\n", "line 2, column 19"),
        ("[pylon]\nregion = 'us'\n\x00\n", "line 3"),
    ],
)
def test_toml_the_parser_cannot_read_names_the_line(tmp_path: Path, text: str, where: str) -> None:
    error = config_error(tmp_path, text)
    assert where in str(error)


def test_extreme_accepted_values_still_build_a_working_board(tmp_path: Path) -> None:
    """The accepted range's ends must not crash the code that uses them (D12's OverflowErrors
    came from timedelta(minutes=1e308) and a date 999999999 days back)."""
    text = (
        "[board]\nrefresh_seconds = 86400\nfull_reconcile_minutes = 1440\n"
        '[[columns]]\nkey = "closed"\nstates = ["closed"]\nrecent_days = 30\n'
    )
    config = load_config(load_text(tmp_path, text), env={})
    services = make_services(
        config,
        transport=httpx.MockTransport(lambda r: httpx.Response(500)),
        store=Store(":memory:"),
    )
    assert services.service.full_reconcile == timedelta(minutes=1440)
    assert services.service.board_filter()


def test_key_actions_match_the_action_catalogue() -> None:
    """Every id the catalogue binds (board, detail screen, dialogs) is accepted, and no other."""
    from pylon_tui.tui.catalog import action_ids, board_bindings

    assert action_ids() == KEY_ACTIONS
    assert {b.id for b in board_bindings()} < set(KEY_ACTIONS)
    assert {"back", "dialog_cancel", "hold_link", "conflict_mine"} <= set(KEY_ACTIONS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[keys]\nno_such_action = "x"\n', "keys.no_such_action is not a board action"),
        ('[keys]\nmove_rigth = "x"\n', "did you mean move_right?"),
        ('[keys]\nQuit = "x"\n', "did you mean quit?"),
        ('[keys]\n"bad\\nname" = "x"\n', "keys.'bad\\nname' is not a board action"),
        ('[keys]\nquit = "ctrl+q,\\u001b[2J"\n', "not a key name"),
        ('[keys]\nquit = "[@click=app.quit]x[/]"\n', "not a key name"),
        ('[keys]\nquit = "a b"\n', "not a key name"),
    ],
)
def test_keys_section_is_checked(tmp_path: Path, text: str, expected: str) -> None:
    error = config_error(tmp_path, text)
    assert expected in str(error)
    assert (error.key or "").startswith("keys.")


def test_valid_key_overrides_load(tmp_path: Path) -> None:
    text = '[keys]\nmove_right = "L,shift+right"\nhelp = ["?", "f1"]\nquit = "ctrl+q"\n'
    keys = load_config(load_text(tmp_path, text), env={}).keys
    assert keys == {"move_right": "L,shift+right", "help": "?,f1", "quit": "ctrl+q"}


def test_unknown_key_names_are_shown_escaped_on_one_line(tmp_path: Path) -> None:
    error = config_error(tmp_path, '[board]\n"x\\u001b]0;pwned\\u0007\\ny" = 1\n')
    assert "\x1b" not in str(error)
    assert "\\x1b" in str(error)

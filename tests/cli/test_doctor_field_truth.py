"""Region, priority field and identity at start and in `doctor` (issue 9 items 2, 5, 6).

The start and the Config section need no network (make_services sends nothing); the Pylon
section runs against the sandbox served on 127.0.0.1, over real sockets.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pylon_tui.bootstrap import make_services, open_services
from pylon_tui.cli import main
from pylon_tui.cli.doctor import Report, _region
from pylon_tui.config import Config, PylonSettings, Secret
from pylon_tui.sandbox import Sandbox
from tests.served import Served

EU_TOKEN = "pylon_api_eu_doctorSECRET42"
US_TOKEN = "pylon_api_doctorSECRET42"
SEEDED_AGENT = "maya@sandboxco.dev"


def _config(region: str, token: str, base_url: str | None = None) -> Config:
    return Config(pylon=PylonSettings(region=region, token=Secret(token), base_url=base_url))  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- at start


async def test_an_eu_token_goes_to_the_eu_host_and_the_start_says_why() -> None:
    services = make_services(_config("us", EU_TOKEN))
    try:
        assert services.pylon.base_url == "https://api.eu.usepylon.com"  # type: ignore[attr-defined]
        (note,) = services.notes
        assert "pylon.region is 'us'" in note
        assert "pylon.region = 'eu'" in note
        assert "SECRET42" not in note
    finally:
        await services.aclose()


async def test_the_note_reaches_the_board_start_next_to_the_cache_notes() -> None:
    services = open_services(_config("eu", US_TOKEN))
    try:
        assert services.pylon.base_url == "https://api.usepylon.com"  # type: ignore[attr-defined]
        assert any("a US token" in note for note in services.notes)
    finally:
        await services.aclose()
        services.close_store()


@pytest.mark.parametrize(
    ("region", "token", "base_url", "url"),
    [
        ("eu", EU_TOKEN, None, "https://api.eu.usepylon.com"),
        ("us", "legacy-token", None, "https://api.usepylon.com"),
        ("us", EU_TOKEN, "http://127.0.0.1:9", "http://127.0.0.1:9"),  # a proxy: its URL
    ],
)
async def test_no_note_when_nothing_disagrees(
    region: str, token: str, base_url: str | None, url: str
) -> None:
    services = make_services(_config(region, token, base_url))
    try:
        assert services.pylon.base_url == url  # type: ignore[attr-defined]
        assert services.notes == []
    finally:
        await services.aclose()


# ----------------------------------------------------------------------------- doctor: config


def _region_lines(config: Config, capsys: pytest.CaptureFixture[str]) -> tuple[str, int]:
    report = Report()
    _region(config, report)
    return capsys.readouterr().out, report.failed


def test_doctor_warns_when_the_config_and_the_token_disagree(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out, failed = _region_lines(_config("us", EU_TOKEN), capsys)
    assert "! pylon.region is 'us' but the token is an EU token" in out
    assert "fix: set pylon.region = 'eu' in config.toml" in out
    assert failed == 0  # it works (the token's region is used): a warning, not a failure
    assert "SECRET42" not in out


def test_doctor_fails_a_base_url_on_the_wrong_pylon_host(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out, failed = _region_lines(_config("us", EU_TOKEN, "https://api.usepylon.com"), capsys)
    assert "✗ pylon.base_url is the US host but the token is an EU token" in out
    assert failed == 1


def test_doctor_says_when_the_prefix_agrees_or_is_missing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out, _ = _region_lines(_config("eu", EU_TOKEN), capsys)
    assert "✓ region eu: https://api.eu.usepylon.com" in out
    assert "✓ the token's prefix agrees (an EU token)" in out
    out, _ = _region_lines(_config("us", "legacy-token"), capsys)
    assert "the token has no region prefix" in out


# ----------------------------------------------------------------------------- doctor: served


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    sandbox = Sandbox(tmp_path / "pylon.sqlite3")
    sandbox.ensure_seeded()
    server = Served(sandbox)
    server.start()
    yield server
    server.stop()
    sandbox.close()


def _live(
    served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, token: str, extra: str = ""
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'{extra}[pylon]\nbase_url = "{served.url}"\n')
    monkeypatch.setenv("PYLON_TUI_CONFIG", str(config))
    monkeypatch.setenv("PYLON_API_TOKEN", token)


def test_doctor_shows_the_priority_field_and_who_replies_go_out_as(
    served: Served,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _live(served, tmp_path, monkeypatch, US_TOKEN, f'me_email = "{SEEDED_AGENT}"\n')
    main(["doctor"])
    out = capsys.readouterr().out
    assert "✓ me_email maya@sandboxco.dev is a Pylon user" in out
    assert "✓ replies and notes are posted as Maya Chen: that is who customers see" in out
    assert "✓ priority field 'priority' (Priority, matched by slug): urgent->urgent" in out
    assert "its options: urgent (Urgent), high (High), medium (Medium), low (Low)" in out
    assert "SECRET42" not in out


def test_without_me_email_doctor_says_customers_see_the_token(
    served: Served,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _live(served, tmp_path, monkeypatch, US_TOKEN)
    main(["doctor"])
    out = capsys.readouterr().out
    assert "under the API token's own name, and that is what customers see" in out
    assert "set me_email to your Pylon login" in out


def test_doctor_names_the_region_when_pylon_says_wrong_region_token(
    served: Served,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An EU token against a Pylon that plays the US host, over a real socket."""
    served.sandbox.required_token = EU_TOKEN
    served.sandbox.loopback_region = "us"
    _live(served, tmp_path, monkeypatch, EU_TOKEN)
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "✗ reach Pylon and authenticate (GET /me)" in out
    assert "code wrong_region_token" in out
    assert "this token belongs to Pylon's EU region (https://api.eu.usepylon.com)" in out
    assert "set pylon.region = 'eu'" in out
    assert "SECRET42" not in out

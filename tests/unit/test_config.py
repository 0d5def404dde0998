"""Config loading: token precedence and secrecy, one-line errors, atomic 0600 writes."""

from __future__ import annotations

import json
import os
import shlex
import stat
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from pylon_tui.config import (
    DEFAULT_COLUMNS,
    DEFAULT_TEMPLATES,
    BoardSettings,
    ColumnSpec,
    Config,
    ConfigError,
    LinearSettings,
    PylonSettings,
    Secret,
    load_config,
    validate_config_data,
    write_config,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
TOKEN = "pylon_tok_SUPERSECRET_123"
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def write(path: Path, body: str, mode: int = 0o600) -> Path:
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    path.chmod(mode)
    return path


def script_command(tmp_path: Path, code: str) -> str:
    """A token_command running ``code`` with this interpreter, quoted for shlex."""
    script = tmp_path / "tokencmd.py"
    script.write_text(textwrap.dedent(code), encoding="utf-8")
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"


def toml_str(value: str) -> str:
    """A TOML basic string (JSON's escaping is valid TOML) for paths and quotes alike."""
    return json.dumps(value)


def load_error(path: Path, env: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(path, env={} if env is None else env)
    message = info.value.message
    assert "\n" not in message
    assert str(info.value) == message
    return message


# --- defaults and missing file ---------------------------------------------------------------


def test_missing_file_gives_sandbox_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "nope.toml", env={})
    assert config == Config()
    assert config.sandbox
    assert config.source_path is None
    assert config.columns == DEFAULT_COLUMNS
    assert [c.key for c in config.columns] == ["new", "on_you", "on_hold", "closed"]
    assert config.columns[3].recent_days == 7
    assert config.board == BoardSettings(30, 10, False)
    assert config.templates["acknowledge"] == (
        "Thanks for reaching out! We're looking into this now and will get back to you shortly."
    )
    assert "engineering" in config.templates["on_hold"].lower()
    assert config.pylon.api_url == "https://api.usepylon.com"


def test_missing_file_still_uses_env_token(tmp_path: Path) -> None:
    config = load_config(tmp_path / "nope.toml", env={"PYLON_API_TOKEN": TOKEN})
    assert not config.sandbox
    assert config.pylon.token is not None
    assert config.pylon.token.reveal() == TOKEN


def test_default_path_honours_env_override(tmp_path: Path) -> None:
    path = write(tmp_path / "custom.toml", 'me_email = "me@example.com"\n')
    config = load_config(env={"PYLON_TUI_CONFIG": str(path)})
    assert config.me_email == "me@example.com"
    assert config.source_path == path


def test_example_file_loads_as_defaults() -> None:
    example = REPO_ROOT / "config.example.toml"
    config = load_config(example, env={})
    # The example documents the defaults; only source_path differs.
    assert config == replace(Config(), source_path=example)


def test_example_file_mentions_every_key() -> None:
    from pylon_tui.config.parse import COLUMN_KEYS, SECTIONS, TOP_LEVEL

    text = (REPO_ROOT / "config.example.toml").read_text(encoding="utf-8")
    for section, keys in SECTIONS.items():
        assert f"[{section}]" in text
        for key in keys:
            assert f"{key} =" in text, f"{section}.{key} undocumented"
    for key in (*TOP_LEVEL, *COLUMN_KEYS):
        assert key in text


# --- tokens ----------------------------------------------------------------------------------


def test_token_precedence_env_then_command_then_file(tmp_path: Path) -> None:
    command = script_command(tmp_path, 'print("from-command")')
    path = write(
        tmp_path / "config.toml",
        f"""
        [pylon]
        token = "from-file"
        token_command = {toml_str(command)}
        """,
    )
    env_config = load_config(path, env={"PYLON_API_TOKEN": "from-env"})
    assert env_config.pylon.token == Secret("from-env")
    assert env_config.pylon.token is not None
    assert env_config.pylon.token.source == "env PYLON_API_TOKEN"

    command_config = load_config(path, env={})
    assert command_config.pylon.token is not None
    assert command_config.pylon.token.reveal() == "from-command"

    write(tmp_path / "config.toml", '[pylon]\ntoken = "from-file"\n')
    file_config = load_config(path, env={"PYLON_API_TOKEN": "  "})  # blank env is unset
    assert file_config.pylon.token is not None
    assert file_config.pylon.token.reveal() == "from-file"
    assert not file_config.sandbox


def test_env_token_skips_command(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    command = script_command(tmp_path, f"open({str(marker)!r}, 'w').close(); print('x')")
    path = write(tmp_path / "config.toml", f"[linear]\ntoken_command = {toml_str(command)}\n")
    config = load_config(path, env={"LINEAR_API_KEY": "lin"})
    assert config.linear.token == Secret("lin")
    assert not marker.exists()


def test_each_service_has_its_env_var(tmp_path: Path) -> None:
    env = {"PYLON_API_TOKEN": "p", "LINEAR_API_KEY": "l", "GITHUB_TOKEN": "g"}
    config = load_config(tmp_path / "none.toml", env=env)
    assert config.pylon.token == Secret("p")
    assert config.linear.token == Secret("l")
    assert config.github.token == Secret("g")


def test_token_command_output_is_stripped(tmp_path: Path) -> None:
    command = script_command(tmp_path, 'print("  tok-123  ")')
    path = write(tmp_path / "config.toml", f"[github]\ntoken_command = {toml_str(command)}\n")
    config = load_config(path, env={})
    assert config.github.token is not None
    assert config.github.token.reveal() == "tok-123"


def test_token_command_failure_reports_status_not_output(tmp_path: Path) -> None:
    command = script_command(
        tmp_path,
        """
        import sys
        print("LEAKED-STDOUT-TOKEN")
        print("LEAKED-STDERR", file=sys.stderr)
        sys.exit(3)
        """,
    )
    path = write(tmp_path / "config.toml", f"[pylon]\ntoken_command = {toml_str(command)}\n")
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    message = info.value.message
    assert "pylon.token_command" in message
    assert "status 3" in message
    assert "LEAKED" not in message
    assert "LEAKED" not in repr(info.value)
    assert info.value.__cause__ is None


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("definitely-not-a-command-xyz --flag", "not found"),
        ("'unterminated", "not a valid command line"),
    ],
)
def test_token_command_cannot_run(tmp_path: Path, command: str, expected: str) -> None:
    path = write(tmp_path / "config.toml", f"[pylon]\ntoken_command = {toml_str(command)}\n")
    message = load_error(path)
    assert "pylon.token_command" in message
    assert expected in message


def test_token_command_printing_nothing_or_lines(tmp_path: Path) -> None:
    empty = script_command(tmp_path, "pass")
    path = write(tmp_path / "config.toml", f"[pylon]\ntoken_command = {toml_str(empty)}\n")
    assert "printed nothing" in load_error(path)
    lines = script_command(tmp_path, 'print("SECRETA"); print("SECRETB")')
    write(path, f"[pylon]\ntoken_command = {toml_str(lines)}\n")
    message = load_error(path)
    assert "several lines" in message
    assert "SECRET" not in message


def test_token_command_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pylon_tui.config.parse.TOKEN_COMMAND_TIMEOUT", 0.2)
    slow = script_command(tmp_path, "import time; print('SLOWTOKEN', flush=True); time.sleep(5)")
    path = write(tmp_path / "config.toml", f"[pylon]\ntoken_command = {toml_str(slow)}\n")
    message = load_error(path)
    assert "timed out" in message
    assert "SLOWTOKEN" not in message


@posix_only
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_token_in_loose_file_is_refused_with_chmod_fix(tmp_path: Path, mode: int) -> None:
    path = write(tmp_path / "config.toml", f'[pylon]\ntoken = "{TOKEN}"\n', mode=mode)
    message = load_error(path)
    assert message.endswith(f"chmod 600 {path}")
    assert "pylon.token" in message
    assert TOKEN not in message


@posix_only
@pytest.mark.parametrize("mode", [0o600, 0o400])
def test_token_in_private_file_is_accepted(tmp_path: Path, mode: int) -> None:
    path = write(tmp_path / "config.toml", f'[linear]\ntoken = "{TOKEN}"\n', mode=mode)
    assert load_config(path, env={}).linear.token == Secret(TOKEN)


@posix_only
def test_loose_file_without_token_is_fine(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", '[pylon]\nregion = "eu"\n', mode=0o644)
    assert load_config(path, env={}).pylon.region == "eu"


def test_secret_never_printed() -> None:
    secret = Secret(TOKEN)
    config = Config(
        pylon=PylonSettings(token=secret),
        linear=LinearSettings(token=Secret(TOKEN + "L")),
    )
    for text in (
        repr(secret),
        str(secret),
        f"{secret}",
        f"{secret!r}",
        f"{secret:>40}",
        repr(config),
        str(config),
        f"{config}",
        f"{config.pylon}",
        "{}".format(config),  # noqa: UP032
    ):
        assert TOKEN not in text
    assert repr(secret) == str(secret) == "Secret('***')"
    assert secret.reveal() == TOKEN
    assert not hasattr(secret, "__dict__")
    assert Secret("a") == Secret("a")
    assert Secret("a") != Secret("b")


def test_secret_from_file_is_masked_in_loaded_config(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", f'[pylon]\ntoken = "{TOKEN}"\n')
    config = load_config(path, env={})
    assert TOKEN not in repr(config)
    assert "Secret('***')" in repr(config)


def test_wrong_type_for_token_does_not_echo_value(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", "[pylon]\ntoken = 123456789\n")
    message = load_error(path)
    assert "pylon.token must be a string (got integer)" in message
    assert "123456789" not in message


# --- parse and validation errors ---------------------------------------------------------------


def test_malformed_toml_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", '[pylon]\nregion = "us"\nthis is wrong\n')
    message = load_error(path)
    assert str(path) in message
    assert "line 3" in message
    assert "column" in message
    assert "fix" in message


def test_malformed_toml_at_end(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", "x = [\n")
    assert "invalid TOML at the end of the file" in load_error(path)


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'me_email = "\xff"\n')
    assert "UTF-8" in load_error(path)


def test_directory_instead_of_file(tmp_path: Path) -> None:
    assert "is a directory" in load_error(tmp_path)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            '[board]\nrefresh_seconds = "30"\n',
            "board.refresh_seconds must be a number (got string '30')",
        ),
        ("[board]\nbell_on_return = 1\n", "board.bell_on_return must be true or false"),
        ("[pylon]\nregion = 1\n", "pylon.region must be a string (got integer 1)"),
        ("pylon = 3\n", "pylon must be a table"),
        ("me_email = 5\n", "me_email must be a string"),
        ('me_email = "nobody"\n', "me_email must be an email address"),
        ("[templates]\nacknowledge = 3\n", "templates.acknowledge must be a string"),
        ("[keys]\nmove_right = 3\n", "keys.move_right must be a string"),
        ('[keys]\nmove_right = " , "\n', "keys.move_right must name at least one key"),
        ("[board]\nrefresh_seconds = 1\n", "board.refresh_seconds must be at least 5 (got 1)"),
        ("[board]\nfull_reconcile_minutes = 0\n", "board.full_reconcile_minutes must be at least"),
        ("[board]\nrefresh_seconds = nan\n", "board.refresh_seconds must be at least 5"),
        ("[board]\nrefresh_seconds = true\n", "board.refresh_seconds must be a number"),
    ],
)
def test_wrong_type_names_the_key(tmp_path: Path, body: str, expected: str) -> None:
    path = write(tmp_path / "config.toml", body)
    message = load_error(path)
    assert expected in message
    assert message.startswith(f"{path}: ")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('[pylon]\nregoin = "eu"\n', "unknown key pylon.regoin (did you mean pylon.region?)"),
        ('[pylonn]\nregion = "eu"\n', "unknown section [pylonn] (did you mean [pylon]?)"),
        ('me_emial = "a@b.c"\n', "unknown key me_emial (did you mean me_email?)"),
        (
            "[board]\nrefresh_secs = 30\n",
            "unknown key board.refresh_secs (did you mean board.refresh_seconds?)",
        ),
        (
            '[[columns]]\nkey = "a"\nstate = ["new"]\n',
            "unknown key columns[0].state (did you mean columns[0].states?)",
        ),
        ("[github]\nzzz = 1\n", "unknown key github.zzz (expected one of: token, token_command)"),
    ],
)
def test_unknown_keys_suggest(tmp_path: Path, body: str, expected: str) -> None:
    assert expected in load_error(write(tmp_path / "config.toml", body))


def test_bad_region_message(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", '[pylon]\nregion = "asia"\n')
    assert load_error(path) == f"{path}: pylon.region must be one of 'us', 'eu' (got 'asia')"


def test_region_and_base_url(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", '[pylon]\nregion = "EU"\n')
    config = load_config(path, env={})
    assert config.pylon.region == "eu"
    assert config.pylon.api_url == "https://api.eu.usepylon.com"

    write(path, '[pylon]\nregion = "eu"\nbase_url = "http://127.0.0.1:8765/"\n')
    assert load_config(path, env={}).pylon.api_url == "http://127.0.0.1:8765"

    assert PylonSettings().api_url == "https://api.usepylon.com"
    assert PylonSettings(base_url="https://proxy.example/pylon").api_url == (
        "https://proxy.example/pylon"
    )


@pytest.mark.parametrize(
    "url", ["ftp://x.example", "api.usepylon.com", "https://", "http://h/?q=1"]
)
def test_bad_base_url(tmp_path: Path, url: str) -> None:
    path = write(tmp_path / "config.toml", f'[pylon]\nbase_url = "{url}"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    assert info.value.key == "pylon.base_url"
    assert "pylon.base_url must" in info.value.message
    with pytest.raises(ConfigError) as direct:
        PylonSettings(base_url=url)
    assert direct.value.key == "pylon.base_url"


def test_direct_construction_rejects_bad_region() -> None:
    with pytest.raises(ConfigError, match=r"pylon\.region must be one of"):
        PylonSettings(region="asia")  # type: ignore[arg-type]


# --- columns -----------------------------------------------------------------------------------


def test_custom_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path / "config.toml",
        """
        [[columns]]
        key = "inbox"
        states = ["new", "waiting_on_you"]

        [[columns]]
        key = "done"
        title = "Done"
        states = ["closed"]
        recent_days = 3
        """,
    )
    config = load_config(path, env={})
    assert config.columns == (
        ColumnSpec("inbox", "Inbox", ("new", "waiting_on_you")),
        ColumnSpec("done", "Done", ("closed",), 3),
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("columns = []\n", "columns must define at least one column"),
        ('[columns]\nkey = "a"\n', "columns must be an array of [[columns]] tables"),
        ('[[columns]]\nkey = "a"\nstates = []\n', "columns[0].states must not be empty"),
        ('[[columns]]\nkey = "a"\n', "columns[0].states is required"),
        ('[[columns]]\nkey = "a"\nstates = [""]\n', "columns[0].states must contain non-empty"),
        ('[[columns]]\nkey = "a"\nstates = "new"\n', "columns[0].states must be an array"),
        ('[[columns]]\nstates = ["new"]\n', "columns[0].key is required"),
        ('[[columns]]\nkey = "a b"\nstates = ["new"]\n', "columns[0].key must be letters"),
        (
            '[[columns]]\nkey = "a"\nstates = ["new"]\n[[columns]]\nkey = "a"\nstates = ["x"]\n',
            "columns[1].key 'a' is already used by columns[0]",
        ),
        (
            '[[columns]]\nkey = "a"\nstates = ["new"]\n[[columns]]\nkey = "b"\nstates = ["new"]\n',
            "columns[1].states 'new' is already shown by column 'a'",
        ),
        (
            '[[columns]]\nkey = "a"\nstates = ["new"]\nrecent_days = 0\n',
            "columns[0].recent_days must be a whole number of days >= 1",
        ),
    ],
)
def test_column_validation(tmp_path: Path, body: str, expected: str) -> None:
    assert expected in load_error(write(tmp_path / "config.toml", body))


# --- templates, keys, email ----------------------------------------------------------------------


def test_templates_merge_and_keys_normalise(tmp_path: Path) -> None:
    path = write(
        tmp_path / "config.toml",
        """
        me_email = "me@example.com"
        [templates]
        acknowledge = "On it!"
        thanks = "Thanks!"
        [keys]
        move_right = "L, shift+right"
        move_left = ["H", "shift+left"]
        """,
    )
    config = load_config(path, env={})
    assert config.templates == {**DEFAULT_TEMPLATES, "acknowledge": "On it!", "thanks": "Thanks!"}
    assert config.keys == {"move_right": "L,shift+right", "move_left": "H,shift+left"}
    assert config.me_email == "me@example.com"


def test_validate_config_data_skips_commands() -> None:
    config = validate_config_data({"pylon": {"token_command": "definitely-not-run-xyz"}})
    assert config.pylon.token is None
    with pytest.raises(ConfigError, match=r"unknown key pylon\.tokn"):
        validate_config_data({"pylon": {"tokn": "x"}})


# --- writing -------------------------------------------------------------------------------------


@posix_only
def test_write_config_is_private_and_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "new" / "nested" / "config.toml"
    data = {"me_email": "me@example.com", "pylon": {"region": "eu", "token": TOKEN}}
    write_config(path, data)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700
    config = load_config(path, env={})
    assert config.pylon.token == Secret(TOKEN)
    assert config.pylon.region == "eu"
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]  # no temp files left


@posix_only
def test_write_config_replaces_loose_file_atomically(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", "old = 1\n", mode=0o644)
    write_config(path, {"board": {"refresh_seconds": 60}})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_config(path, env={}).board.refresh_seconds == 60


def test_write_config_failure_keeps_old_file(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", 'me_email = "old@example.com"\n')
    with pytest.raises(TypeError):
        write_config(path, {"bad": object()})
    assert load_config(path, env={}).me_email == "old@example.com"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]


def test_write_config_cleans_temp_on_replace_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(src: str, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        write_config(tmp_path / "config.toml", {"me_email": "a@b.c"})
    assert list(tmp_path.iterdir()) == []


def test_rate_share_is_validated_and_shrinks_the_budget(tmp_path: Path) -> None:
    from pylon_tui.api.budget import PYLON_LIMITS, RateBudget

    good = tmp_path / "good.toml"
    good.write_text("[pylon]\nrate_share = 0.2\n")
    good.chmod(0o600)
    assert load_config(good, env={}).pylon.rate_share == 0.2
    budget = RateBudget.shared(0.2)
    assert budget.limits["update_issue"] == PYLON_LIMITS["update_issue"] // 5
    for bad in ("0", "1.5", '"half"'):
        path = tmp_path / "bad.toml"
        path.write_text(f"[pylon]\nrate_share = {bad}\n")
        path.chmod(0o600)
        with pytest.raises(ConfigError, match=r"pylon\.rate_share"):
            load_config(path, env={})

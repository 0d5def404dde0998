"""The setup wizard writes a config load_config accepts, and never leaks or clobbers."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

import pytest

from pylon_tui.config import ConfigError, Secret, load_config
from pylon_tui.config.wizard import run_setup

TOKEN = "pylon_SECRET_value_42"


class Script:
    """Feeds scripted answers by prompt substring and records everything said."""

    def __init__(
        self,
        answers: Iterable[tuple[str, str]],
        secrets: Iterable[str] = (),
        environ: dict[str, str] | None = None,
    ) -> None:
        self.answers = list(answers)
        self.secrets = list(secrets)
        self.environ = environ or {}  # never the real environment: its token would count
        self.prompts: list[str] = []
        self.said: list[str] = []

    def ask(self, prompt: str, default: str) -> str:
        self.prompts.append(prompt)
        expected, answer = self.answers.pop(0)
        assert expected.lower() in prompt.lower(), (expected, prompt)
        return answer

    def ask_secret(self, prompt: str) -> str:
        self.prompts.append(prompt)
        return self.secrets.pop(0)

    def out(self, text: str) -> None:
        self.said.append(text)

    def run(self, path: Path) -> Path:
        return run_setup(
            path, ask=self.ask, ask_secret=self.ask_secret, out=self.out, environ=self.environ
        )


def test_writes_valid_config_with_stored_token(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "config.toml"
    script = Script(
        [
            ("region", "eu"),
            ("pylon token source", "file"),
            ("linear token source", "command"),
            ("command that prints", "op read op://Private/Linear/token"),
            ("workspace", "acme"),
            ("email", "me@example.com"),
            ("refresh", "45"),
        ],
        secrets=[TOKEN],
    )
    assert script.run(path) == path
    assert not script.answers
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    config = load_config(path, env={"LINEAR_API_KEY": "lin"})
    assert config.pylon.region == "eu"
    assert config.pylon.token == Secret(TOKEN)
    assert config.linear.workspace == "acme"
    assert config.me_email == "me@example.com"
    assert config.board.refresh_seconds == 45
    assert "token_command" in path.read_text()
    transcript = "\n".join(script.said + script.prompts)
    assert TOKEN not in transcript


def test_defaults_give_env_based_config(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    script = Script(
        [
            ("region", ""),
            ("pylon token source", ""),
            ("linear token source", "none"),
            ("email", ""),
            ("refresh", ""),
        ]
    )
    script.run(path)
    assert "token" not in path.read_text()
    config = load_config(path, env={})
    assert config.sandbox
    assert config.pylon.region == "us"
    assert config.me_email is None
    assert config.board.refresh_seconds == 30
    assert load_config(path, env={"PYLON_API_TOKEN": "t"}).pylon.token == Secret("t")
    assert any("PYLON_API_TOKEN" in line for line in script.said)


def test_invalid_answers_are_reasked(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    script = Script(
        [
            ("region", "asia"),
            ("region", "us"),
            ("pylon token source", "maybe"),
            ("pylon token source", "3"),
            ("linear token source", "n"),
            ("email", "not-an-email"),
            ("email", "a@b.co"),
            ("refresh", "1"),
            ("refresh", "fast"),
            ("refresh", "7.5"),
        ],
        secrets=["", "has space", TOKEN],
    )
    script.run(path)
    config = load_config(path, env={})
    assert config.pylon.token == Secret(TOKEN)
    assert config.me_email == "a@b.co"
    assert config.board.refresh_seconds == 7.5
    assert TOKEN not in "\n".join(script.said)


def test_gives_up_after_repeated_bad_answers(tmp_path: Path) -> None:
    script = Script([("region", "mars")] * 5)
    with pytest.raises(ConfigError, match="gave up"):
        script.run(tmp_path / "config.toml")
    assert not (tmp_path / "config.toml").exists()


@pytest.mark.parametrize("answer", ["", "n", "no", "N"])
def test_does_not_overwrite_without_consent(tmp_path: Path, answer: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text('me_email = "keep@example.com"\n')
    script = Script([("overwrite? [y/n]", answer)])
    assert script.run(path) == path
    assert path.read_text() == 'me_email = "keep@example.com"\n'
    assert any("unchanged" in line for line in script.said)


def test_overwrites_with_consent(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('me_email = "old@example.com"\n')
    script = Script(
        [
            ("overwrite", "y"),
            ("region", "us"),
            ("pylon token source", "env"),
            ("linear token source", "env"),
            ("workspace", ""),
            ("email", "new@example.com"),
            ("refresh", "30"),
        ]
    )
    script.run(path)
    assert load_config(path, env={}).me_email == "new@example.com"


# ----- the region follows the token's documented prefix (issue 9 item 2)

EU_TOKEN = "pylon_api_eu_SECRETvalue77"
REST = [("linear token source", "none"), ("email", ""), ("refresh", "")]


def test_an_eu_token_in_the_environment_makes_eu_the_default(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    script = Script(
        [("region", ""), ("pylon token source", "env"), *REST],
        environ={"PYLON_API_TOKEN": EU_TOKEN},
    )
    script.run(path)
    assert load_config(path, env={}).pylon.region == "eu"
    assert any("$PYLON_API_TOKEN holds an EU token" in line for line in script.said)
    assert not script.answers  # no extra question when answer and token agree
    assert "SECRETvalue77" not in "\n".join(script.said + script.prompts)


@pytest.mark.parametrize(("source", "secrets", "environ"), [
    ("file", [EU_TOKEN], {}),
    ("env", [], {"PYLON_API_TOKEN": EU_TOKEN}),
])  # fmt: skip
def test_a_token_of_the_other_region_is_pointed_out_and_followed(
    tmp_path: Path, source: str, secrets: list[str], environ: dict[str, str]
) -> None:
    path = tmp_path / "config.toml"
    script = Script(
        [("region", "us"), ("pylon token source", source), ("as the token says", ""), *REST],
        secrets=secrets,
        environ=environ,
    )
    script.run(path)
    assert load_config(path, env={}).pylon.region == "eu"
    said = "\n".join(script.said)
    assert "an EU token (it starts pylon_api_eu_)" in said
    assert "https://api.eu.usepylon.com" in said
    assert "SECRETvalue77" not in said + "\n".join(script.prompts)


def test_keeping_the_other_region_is_allowed_and_explained(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    script = Script(
        [("region", "us"), ("pylon token source", "file"), ("as the token says", "n"), *REST],
        secrets=[EU_TOKEN],
    )
    script.run(path)
    assert load_config(path, env={}).pylon.region == "us"
    assert any("will still use the token's region" in line for line in script.said)


def test_a_token_without_a_prefix_asks_nothing_more(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    script = Script(
        [("region", "eu"), ("pylon token source", "file"), *REST], secrets=["legacy_token_1"]
    )
    script.run(path)
    assert load_config(path, env={}).pylon.region == "eu"
    assert not script.answers

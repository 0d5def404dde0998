"""Plain CLI output never lets a server's escape sequence reach the terminal.

The sandbox is made hostile: every ticket title, link, account and user name, status label,
GitHub external id, message and the organisation name carry a string from the hostile corpus.
`list`, `show`, `doctor` and the error paths must print them without one control byte.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from pylon_tui.cli import main
from pylon_tui.sandbox.pylon import endpoints as sandbox_pylon
from pylon_tui.sandbox.pylon import render as pylon_render
from pylon_tui.sandbox.pylon.common import ok
from tests.hostile import HOSTILE, has_control


def hostile(index: int) -> str:
    return HOSTILE[index % len(HOSTILE)]


def _wrap(render: Callable[..., Any], edit: Callable[[dict[str, Any]], None]) -> Any:
    def wrapped(*args: Any) -> Any:
        out = render(*args)
        edit(out)
        return out

    return wrapped


def _issue(out: dict[str, Any]) -> None:
    n = int(out["number"])
    out["title"] = f"{hostile(n)} title"
    out["link"] = f"https://app.usepylon.com/x{hostile(n + 1)}"
    out["external_issues"] = [
        *out["external_issues"],
        {
            "source": "github",
            "external_id": f"acme/app/{hostile(n + 2)}",
            "link": f"https://github.com/acme/app/issues/{n}{hostile(n + 3)}",
        },
    ]


def _message(out: dict[str, Any]) -> None:
    out["author"]["name"] = hostile(len(out["id"]))
    out["message_html"] = f"<p>{hostile(len(out['id']) + 1)}</p>"


def _named(out: dict[str, Any]) -> None:
    out["name"] = f"{hostile(len(out['id']))} name"


@pytest.fixture
def hostile_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pylon_render, "issue_json", _wrap(pylon_render.issue_json, _issue))
    monkeypatch.setattr(pylon_render, "message_json", _wrap(pylon_render.message_json, _message))
    monkeypatch.setattr(pylon_render, "user_json", _wrap(pylon_render.user_json, _named))
    monkeypatch.setattr(pylon_render, "account_json", _wrap(pylon_render.account_json, _named))
    statuses = pylon_render.statuses_json

    def hostile_statuses() -> list[dict[str, Any]]:
        out = statuses()
        for n, status in enumerate(out):
            status["label"] = f"{status['label']} {hostile(n)}"
        return out

    monkeypatch.setattr(pylon_render, "statuses_json", hostile_statuses)

    def me(self: Any, *args: Any) -> Any:
        return ok({"id": "org", "name": "\x1b]52;c;ZXZpbA==\x07Evil Org [/]"})

    routes = [
        (method, pattern, me if key == "me" else handler, key, budget)
        for method, pattern, handler, key, budget in sandbox_pylon.ROUTES
    ]
    monkeypatch.setattr(sandbox_pylon, "ROUTES", routes)


def assert_clean(text: str) -> None:
    for line in text.splitlines():
        assert not has_control(line), repr(line)


@pytest.mark.usefixtures("hostile_sandbox")
def test_list_and_show_print_no_control_sequences(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0
    out = capsys.readouterr()
    assert_clean(out.out + out.err)
    assert "[@click=app.quit]CLICKME[/]" in out.out  # markup is shown, literally
    assert main(["list", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    numbers = [t["number"] for c in data["columns"] for t in c["tickets"]][:12]
    assert numbers
    for number in numbers:
        assert main(["show", str(number)]) == 0
        out = capsys.readouterr()
        assert_clean(out.out + out.err)
        assert "state:" in out.out


@pytest.mark.usefixtures("hostile_sandbox")
def test_doctor_prints_no_control_sequences(capsys: pytest.CaptureFixture[str]) -> None:
    main(["doctor"])
    out = capsys.readouterr()
    assert_clean(out.out + out.err)
    assert "Evil Org [/]" in out.out


def test_server_error_text_on_stderr_is_clean(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pylon_tui.api.errors import ApiError
    from pylon_tui.cli.output import err

    for text in HOSTILE:
        error = ApiError("x")
        error.message = text  # as if the api layer had let it through
        err(f"pylon-tui: {error}")
    assert_clean(capsys.readouterr().err)


@pytest.mark.parametrize(
    ("maybe_applied", "expected", "refused"),
    [
        (True, "not confirmed: ", "Nothing was changed"),
        (False, "Nothing was changed", "not confirmed"),
    ],
)
def test_a_queued_change_is_never_called_unchanged_when_it_may_have_landed(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    maybe_applied: bool,
    expected: str,
    refused: str,
) -> None:
    from pylon_tui import cli
    from pylon_tui.sync.outbox import ActionQueued

    def lost(*_: object) -> int:
        action: Any = None  # the message never reads the intent itself
        raise ActionQueued(action, "link: answer lost", maybe_applied=maybe_applied)

    monkeypatch.setattr(cli, "_dispatch", lost)
    assert main(["move", "1", "on-hold", "--link", "ENG-1"]) == 1
    err = capsys.readouterr().err
    assert expected in err
    assert refused not in err

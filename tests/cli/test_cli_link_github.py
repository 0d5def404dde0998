"""`move --link` takes a GitHub issue URL wherever it takes a Linear reference (issue 9 item 8)."""

from __future__ import annotations

import json

import pytest

from pylon_tui.cli import main
from pylon_tui.config import paths
from pylon_tui.sandbox import Sandbox

GITHUB_ISSUE = "https://github.com/acme/widgets/issues/123"


def shown(capsys: pytest.CaptureFixture[str], number: int) -> dict[str, object]:
    capsys.readouterr()
    assert main(["show", str(number), "--json"]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def sandbox() -> Sandbox:
    """The CLI's own sandbox database (seeded on first use by any command)."""
    assert main(["list", "--json"]) == 0
    return Sandbox(paths.sandbox_db_path())


def test_github_url_links_then_moves_on_hold(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["move", "68", "on-hold", "--link", GITHUB_ISSUE]) == 0
    assert "acme/widgets#123" in capsys.readouterr().out
    ticket = shown(capsys, 68)
    assert ticket["state"] == "on_hold"
    links = ticket["links"]
    assert isinstance(links, list)
    assert [(link["source"], link["external_id"], link["label"]) for link in links] == [
        ("github", "acme/widgets/123", "acme/widgets#123")
    ]


def test_short_form_works_too(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["move", "68", "on-hold", "--link", "acme/widgets#123"]) == 0
    assert shown(capsys, 68)["state"] == "on_hold"


@pytest.mark.parametrize(
    ("ref", "said"),
    [
        ("https://github.com/acme/widgets/pull/123", "pull request"),
        (
            "https://github.com/acme/widgets/issues/99999",
            "GitHub has no issue 'acme/widgets#99999'",
        ),
        ("https://gitlab.com/acme/widgets/-/issues/1", "GitHub issue URL"),
    ],
)
def test_what_cannot_be_linked_is_said_and_nothing_moves(
    capsys: pytest.CaptureFixture[str], ref: str, said: str
) -> None:
    assert main(["move", "68", "on-hold", "--link", ref]) == 1
    assert said in capsys.readouterr().err
    assert shown(capsys, 68)["state"] == "new"


def test_deleted_github_issue_counts_as_closed(capsys: pytest.CaptureFixture[str]) -> None:
    with sandbox() as sb:
        sb.delete_github_issue("acme/widgets/123")
    capsys.readouterr()
    assert main(["move", "69", "on-hold", "--link", GITHUB_ISSUE]) == 1
    err = capsys.readouterr().err
    assert "already closed (deleted)" in err
    assert "--allow-closed" in err
    assert shown(capsys, 69)["state"] == "new"


def test_transferred_github_issue_is_followed(capsys: pytest.CaptureFixture[str]) -> None:
    with sandbox() as sb:
        sb.transfer_github_issue("acme/widgets/123", "acme-labs/core/9")
    capsys.readouterr()
    assert main(["move", "68", "on-hold", "--link", GITHUB_ISSUE]) == 0
    assert "acme-labs/core#9" in capsys.readouterr().out
    assert shown(capsys, 68)["state"] == "on_hold"

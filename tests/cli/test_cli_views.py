"""`pylon-tui list --view/--filter/--sort` (issue 14 item 12), composable with --json, and
`--read-only` refusing `move`. Against the sandbox, like the board."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pylon_tui.cli import main
from pylon_tui.domain.priority import priority_rank


def listed(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["list", "--json", *args]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def tickets(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for column in data["columns"] for t in column["tickets"]]


def test_filter_keeps_only_matching_tickets_and_says_what_it_used(
    capsys: pytest.CaptureFixture[str],
) -> None:
    everything = listed(capsys)
    urgent = listed(capsys, "--filter", "priority:urgent,high -tag:nothing-has-this")
    assert urgent["filter"] == "priority:urgent,high -tag:nothing-has-this"
    assert urgent["view"] is None
    assert urgent["sort"] == "default"
    found = tickets(urgent)
    assert found
    assert {t["priority"] for t in found} <= {"urgent", "high"}
    assert len(found) < len(tickets(everything))
    for column in urgent["columns"]:
        assert column["count"] == len(column["tickets"]) <= column["total"]


def test_filter_by_tag_and_negation(capsys: pytest.CaptureFixture[str]) -> None:
    all_tags = {tag for t in tickets(listed(capsys)) for tag in t["tags"]}
    tag = sorted(all_tags)[0]
    with_tag = tickets(listed(capsys, "--filter", f"tag:{tag}"))
    without = tickets(listed(capsys, f"--filter=-tag:{tag}"))  # a leading - needs the =
    assert with_tag
    assert all(tag in t["tags"] for t in with_tag)
    assert all(tag not in t["tags"] for t in without)


def test_sort_by_sla_orders_each_column_by_the_next_breach(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = listed(capsys, "--sort", "sla")
    assert data["sort"] == "sla"
    for column in data["columns"]:
        left = [
            t["sla"][t["sla"]["next"]]["seconds_left"] if t["sla"] else float("inf")
            for t in column["tickets"]
        ]
        assert left == sorted(left), column["key"]
    assert any(t["sla"] for t in tickets(data)), "the sandbox has SLA deadlines"


def test_sort_by_priority_and_updated(capsys: pytest.CaptureFixture[str]) -> None:
    by_priority = listed(capsys, "--sort", "priority")
    for column in by_priority["columns"]:
        ranks = [priority_rank(_prio(t["priority"])) for t in column["tickets"]]
        assert ranks == sorted(ranks)
    by_update = listed(capsys, "--sort", "updated")
    for column in by_update["columns"]:
        stamps = [t["updated_at"] for t in column["tickets"]]
        assert stamps == sorted(stamps, reverse=True)


def _prio(value: str | None) -> Any:
    from pylon_tui.domain import Priority

    return Priority.parse(value)


def test_the_sla_view_lists_tickets_breaching_within_the_hour(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = listed(capsys, "--view", "sla")
    assert data["view"] == "sla"
    assert data["filter"] == "sla:<1h"
    assert data["sort"] == "sla", "the view's own order"
    found = tickets(data)
    assert found
    for t in found:
        assert t["sla"][t["sla"]["next"]]["seconds_left"] < 3600
    again = listed(capsys, "--view", "sla", "--sort", "waiting")
    assert again["sort"] == "waiting", "--sort overrides the view's order"


def test_a_config_view_and_a_filter_on_top(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[views.hot]\nfilter = "priority:urgent"\nsort = "waiting"\nlabel = "Hot"\n',
        encoding="utf-8",
    )
    config.chmod(0o600)
    assert main(["--config", str(config), "list", "--json", "--view", "hot"]) == 0
    hot = json.loads(capsys.readouterr().out)
    assert hot["view"] == "hot"
    assert hot["sort"] == "waiting"
    assert {t["priority"] for t in tickets(hot)} == {"urgent"}
    args = ["--config", str(config), "list", "--json", "--view", "hot", "--filter", "sla:none"]
    assert main(args) == 0
    narrowed = json.loads(capsys.readouterr().out)
    assert narrowed["filter"] == "priority:urgent sla:none"
    assert len(tickets(narrowed)) < len(tickets(hot))


def test_plain_output_names_the_selection_and_counts_shown_of_total(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["list", "--filter", "priority:urgent", "--sort", "sla"]) == 0
    out = capsys.readouterr().out
    assert "(view - · filter priority:urgent · sort sla)" in out
    assert "New (" in out
    assert "/" in out.split("New (", 1)[1].split(")", 1)[0], "shown/total"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--filter", "priorty:high"], "did you mean priority:"),
        (["--filter", 'account:"Acme'], "unclosed quote"),
        (["--view", "nope"], "views: mine, unassigned, urgent, sla"),
        (["--sort", "slaa"], "sorts: default, sla, waiting, updated, priority"),
    ],
)
def test_a_bad_selection_is_a_usage_error_naming_the_fix(
    capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    assert main(["list", *args]) == 2
    captured = capsys.readouterr()
    assert says in captured.err
    assert captured.out == ""
    assert "Traceback" not in captured.err


def test_the_mine_view_lists_one_assignee(capsys: pytest.CaptureFixture[str]) -> None:
    mine = tickets(listed(capsys, "--view", "mine"))
    assert mine
    assert len({t["assignee"] for t in mine}) == 1, "the sandbox's own user"


def test_read_only_refuses_move(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--read-only", "move", "68", "closed"]) == 2
    assert "--read-only" in capsys.readouterr().err
    assert main(["list", "--json", "--filter", "#68"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [t["state"] for t in tickets(data) if t["number"] == 68] == ["new"]


def test_json_sla_fields(capsys: pytest.CaptureFixture[str]) -> None:
    now = datetime.now(UTC)
    for t in tickets(listed(capsys)):
        if t["sla"] is None:
            continue
        chosen = t["sla"][t["sla"]["next"]]
        due = datetime.fromisoformat(chosen["breach_at"].replace("Z", "+00:00"))
        assert abs((due - now).total_seconds() - chosen["seconds_left"]) < 120

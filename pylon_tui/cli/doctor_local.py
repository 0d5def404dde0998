"""`doctor`'s checks of this machine's setup against the workspace: the configured columns'
states, and every file pylon-tui reads or writes.

A `[[columns]]` state the workspace does not have used to pass `doctor` ("All good") and fail
only at the first move into that column; and a user whose cache is damaged or full needs to
know where it is before anything else.
"""

from __future__ import annotations

import difflib
from typing import Protocol
from urllib.parse import urlsplit

from pylon_tui.bootstrap import cache_path, pylon_base_url, pylon_region
from pylon_tui.cli.output import say, shell_word
from pylon_tui.cli.pending import read_queue
from pylon_tui.config import Config, paths
from pylon_tui.domain import StateCatalog
from pylon_tui.domain.safe_text import one_line


class Report(Protocol):
    """`doctor`'s report as these checks use it (doctor imports this module, not back)."""

    def ok(self, what: str) -> None: ...
    def bad(self, what: str, fix: str) -> None: ...
    def info(self, what: str) -> None: ...


def check_columns(config: Config, catalog: StateCatalog, report: Report) -> None:
    """Every state a column lists must be a status this workspace has (base or custom)."""
    known = [info.slug for info in catalog.all()]
    unknown = 0
    for index, column in enumerate(config.columns):
        for state in column.states:
            if catalog.category_of(state) is not None:
                continue
            unknown += 1
            close = difflib.get_close_matches(state, known, n=1, cutoff=0.6)
            hint = f"did you mean {one_line(close[0])!r}? " if close else ""
            report.bad(
                f"column {one_line(column.title)!r}: state {one_line(state)!r} is not a status "
                "of this workspace (moving a ticket there would be refused)",
                f"{hint}in config.toml, set columns[{index}].states to statuses it has: "
                + ", ".join(one_line(slug) for slug in known),
            )
    if not unknown:
        count = sum(len(c.states) for c in config.columns)
        report.ok(f"columns: all {count} states are statuses of this workspace")


def print_paths(config: Config, report: Report) -> None:
    """Every file in use, without creating any of them."""
    say("Paths")
    source = config.source_path or paths.config_path()
    found = "" if source.is_file() else " (not there: defaults in use)"
    report.info(f"config: {shell_word(str(source))}{found}")
    cache = cache_path(config, create=False)
    report.info(f"cache and queued changes: {shell_word(str(cache))}{_queue_note(config)}")
    sandbox = paths.sandbox_db_path(create=False)
    use = "in use: no Pylon token" if config.sandbox else "used only without a Pylon token"
    report.info(f"sandbox data: {shell_word(str(sandbox))} ({use})")
    if not config.sandbox:  # shared with this machine's other pylon-tui processes
        host = urlsplit(pylon_base_url(config, pylon_region(config))).netloc
        report.info(f"rate budget: {shell_word(str(paths.rate_budget_path(host)))}")
    report.info(f"log of unexpected errors: {shell_word(str(paths.log_path(create=False)))}")


def _queue_note(config: Config) -> str:
    queue = read_queue(config)
    if queue.problem:
        return f" ({queue.problem})"
    if not cache_path(config, create=False).is_file():
        return " (not there yet: the board creates it)"
    if queue.rows:
        return f" ({len(queue.rows)} change(s) queued, not sent yet: the board sends them)"
    return ""

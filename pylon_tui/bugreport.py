"""What an unexpected error (a bug) leaves behind: one line for the user, a log for the report.

Tracebacks are written without local variables: a frame deep in an HTTP client can hold a
token, and a traceback with locals (Textual's crash screen, rich's default) would show it.
"""

from __future__ import annotations

import os
import traceback
from pathlib import Path

from pylon_tui.domain.safe_text import one_line

_SUMMARY_LIMIT = 200


def bug_summary(error: BaseException) -> str:
    """One line naming the failure: the exception's type and the start of its message."""
    message = one_line(str(error))[:_SUMMARY_LIMIT]
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def write_crash_log(error: BaseException, log: Path | None) -> str:
    """Append the traceback (no locals) to the log; returns " Details: <path>." or ""."""
    if log is None:
        return ""
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
            handle.write("".join(lines) + "\n")
    except OSError:
        return ""
    return f" Details: {log}."

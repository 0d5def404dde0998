"""What the board may claim before it has ever been loaded.

An empty column reads as "nothing to do" and an empty New and On You as "inbox zero": both are
claims about Pylon, true only once a load has succeeded (this run, or the run whose cache was
painted). Until then every column and the header say the board is not loaded, why, and what to
do about it. Pure (no Textual, no Rich): the header and the columns only draw these strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from pylon_tui.api.errors import ApiError, AuthError, NetworkError, RateLimitedError, ServerError
from pylon_tui.domain.safe_text import one_line

RETRY = "press R to retry"


class LoadSource(Protocol):
    """The part of BoardService this reads (tests pass a stand-in)."""

    @property
    def loaded(self) -> bool: ...

    @property
    def last_error(self) -> ApiError | None: ...


@dataclass(frozen=True, slots=True)
class LoadState:
    loaded: bool
    reason: str | None = None
    """Why the last load failed, in a few words; None while the first load is still running."""
    fix: str = RETRY

    @classmethod
    def of(cls, source: LoadSource) -> LoadState:
        if source.loaded:
            return cls(loaded=True)
        error = source.last_error
        if error is None:
            return cls(loaded=False)
        hint = one_line(error.hint)
        return cls(loaded=False, reason=_reason(error), fix=f"{hint}; {RETRY}" if hint else RETRY)

    def empty_text(self, first_column: bool, *, filtered_out: bool = False) -> str:
        """What an empty column says: its emptiness is news only once the board is loaded,
        and only when no filter hides its tickets (then it says so, not "nothing new")."""
        if self.loaded:
            if filtered_out:
                return "none match the filter"
            return "nothing new" if first_column else "nothing here"
        if self.reason is None:
            return "loading…"
        return f"not loaded: {self.reason} — {self.fix}"

    def header_text(self) -> str | None:
        """The header's claim instead of counts and ages; None once loaded."""
        if self.loaded:
            return None
        if self.reason is None:
            return "loading…"
        return f"⚠ not loaded: {self.reason}"


def _reason(error: ApiError) -> str:
    service = one_line(error.service) or "Pylon"
    if isinstance(error, NetworkError):
        return f"{service} unreachable"
    if isinstance(error, RateLimitedError):
        wait = f" {error.retry_after:.0f}s" if error.retry_after else ""
        return f"{service} asked us to wait{wait}"
    if isinstance(error, AuthError):
        return f"{service} refused the token"
    if isinstance(error, ServerError):
        return f"{service} had a server error"
    return one_line(str(error))

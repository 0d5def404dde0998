"""A rate limit's wait, remembered by the client that was told it.

Linear's windows are hourly and a RATELIMITED answer names when the budget resets. Asking
again before then only spends more of it, whoever asks (the link watcher, the hold dialog's
search), so the client refuses locally until the wait has passed. The wait is bounded like
every server wait (`waits.MAX_WAIT`), so one absurd header cannot silence a service.
"""

from __future__ import annotations

from collections.abc import Callable

from .waits import bounded


class Cooldown:
    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._until = 0.0

    def hold(self, seconds: float) -> None:
        """Refuse calls for `seconds` from now (never longer than MAX_WAIT)."""
        wait = bounded(seconds)
        if wait:
            self._until = max(self._until, self._clock() + wait)

    def remaining(self) -> float:
        """Seconds left to wait; 0 when calls may go out."""
        return bounded(self._until - self._clock()) or 0.0

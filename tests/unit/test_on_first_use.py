"""OnFirstUse: the board's HTTP clients are made at their first use, never before."""

from __future__ import annotations

import pytest

from pylon_tui.lazy import OnFirstUse


class Client:
    made = 0

    def __init__(self) -> None:
        Client.made += 1
        self.closed = False

    def get(self) -> str:
        return "answer"

    async def aclose(self) -> None:
        self.closed = True


async def test_made_once_at_first_use_and_closed_only_if_made() -> None:
    Client.made = 0
    unused = OnFirstUse(Client)
    await unused.aclose()
    assert Client.made == 0, "closing a client nobody used must not make one"
    assert "not made yet" in repr(unused)

    used = OnFirstUse(Client)
    assert used.get() == "answer"
    assert used.get() == "answer"
    assert Client.made == 1
    assert used.made
    await used.aclose()
    assert used.closed


def test_a_failed_make_is_tried_again_at_the_next_use() -> None:
    attempts: list[int] = []

    def flaky() -> Client:
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("not yet")
        return Client()

    proxy = OnFirstUse(flaky)
    with pytest.raises(OSError, match="not yet"):
        proxy.get()
    assert not proxy.made
    assert proxy.get() == "answer"
    assert len(attempts) == 2

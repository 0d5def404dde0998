"""`pylon-tui move` tells the truth after a lost answer: it asks Pylon and says the move was
made, was not made, or is unknown; never "nothing was changed" when something was."""

from __future__ import annotations

import asyncio

import pytest

from pylon_tui.sync.intents import Move
from pylon_tui.sync.outbox import ActionQueued
from pylon_tui.sync.service import BoardService, Outcome
from tests.sync.faultrig import SERVED_TIMEOUT, Late, Rig, Switch

HINT = "`pylon-tui show N`"


async def move_and_confirm(service: BoardService, action: Move) -> tuple[Outcome, str]:
    with pytest.raises(ActionQueued) as queued:
        await service.run(action)
    result = await service.confirm(queued.value, "move #N to On You", HINT)
    return result.outcome, result.message


async def first_new(rig: Rig) -> tuple[BoardService, Move]:
    service = rig.service()
    await service.load()
    ticket = service.board.column(0)[0]
    return service, Move(ticket.id, "waiting_on_you")


async def on_server(service: BoardService, action: Move) -> bool:
    return (await service.client.get_issue(action.ticket_id)).state == action.state


@pytest.mark.parametrize("fault", ["applied_502", "lost_reset", "lost_timeout", "garbage"])
async def test_a_move_applied_but_unanswered_is_reported_done(rig: Rig, fault: str) -> None:
    service, action = await first_new(rig)
    rig.sandbox.inject(fault, "PATCH", f"/issues/{action.ticket_id}")
    outcome, message = await move_and_confirm(service, action)
    assert outcome is Outcome.APPLIED, message
    assert message.startswith("done: move #N to On You")
    assert await on_server(service, action)


async def test_a_refused_move_is_reported_not_made_after_checking(rig: Rig) -> None:
    service, action = await first_new(rig)
    rig.sandbox.fail_next(3, 429, retry_after=30)  # a refusal: nothing was applied
    outcome, message = await move_and_confirm(service, action)
    assert outcome is Outcome.NOT_APPLIED
    assert "Nothing was changed (checked with Pylon)" in message
    assert not await on_server(service, action)


@pytest.mark.parametrize("fault", ["reset", "http_500"])
async def test_a_lost_request_the_server_does_not_show_is_unknown_not_denied(
    rig: Rig, fault: str
) -> None:
    """Nothing on the server yet, but the request may have reached it: say so."""
    service, action = await first_new(rig)
    if fault == "http_500":
        rig.sandbox.fail_next(1, 500)
    else:
        rig.sandbox.inject(fault, "PATCH", f"/issues/{action.ticket_id}")
    outcome, message = await move_and_confirm(service, action)
    assert outcome is Outcome.UNKNOWN
    assert "Nothing was changed" not in message
    assert "may still make it" in message
    assert HINT in message


async def test_a_server_that_applies_late_is_never_called_unchanged(served: Rig) -> None:
    service, action = await first_new(served)
    served.sandbox.inject_late("PATCH", f"/issues/{action.ticket_id}", Late(0.8, SERVED_TIMEOUT))
    outcome, message = await move_and_confirm(service, action)
    assert outcome is Outcome.UNKNOWN, "asked before the server got to it"
    assert "Nothing was changed" not in message
    assert await asyncio.to_thread(served.sandbox.late_done.wait, 5)
    assert await on_server(service, action), "and it was indeed made: the message was right"


async def test_pylon_unreachable_afterwards_is_unknown(local: Rig) -> None:
    switch = Switch(local.sandbox)
    service = local.service(transport=switch)
    await service.load()
    ticket = service.board.column(0)[0]
    action = Move(ticket.id, "waiting_on_you")
    local.sandbox.inject("lost_reset", "PATCH", f"/issues/{ticket.id}")
    with pytest.raises(ActionQueued) as queued:
        await service.run(action)
    switch.down = True  # the GET that would tell fails too
    result = await service.confirm(queued.value, "move #N to On You", HINT)
    assert result.outcome is Outcome.UNKNOWN
    assert "may or may not have been done" in result.message
    switch.down = False
    assert await on_server(service, action)

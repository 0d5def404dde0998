"""The truth for a one-shot caller (the CLI) after a change was queued instead of answered.

The CLI does not stay to retry, so "not sent, nothing was changed" is only true when the
server says so. A lost answer (502 from a proxy, a dropped connection, a timeout) may hide
a change that was made: ask Pylon for the ticket and say what it shows, or that it is
unknown, never more than is known.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pylon_tui.api.errors import ApiError

from .outcomes import ActionQueued
from .ports import PylonApi


class Outcome(StrEnum):
    APPLIED = "applied"
    NOT_APPLIED = "not applied"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Confirmation:
    outcome: Outcome
    message: str


async def confirm(
    client: PylonApi, queued: ActionQueued, what: str, show_hint: str
) -> Confirmation:
    """`what` names the change ("move #12 to On You"); `show_hint` how to look for yourself."""
    action = queued.action
    cause = queued.error if queued.error is not None else queued
    try:
        server = await client.get_issue(action.ticket_id)
    except ApiError as error:
        if not queued.maybe_applied:
            return Confirmation(
                Outcome.NOT_APPLIED,
                f"could not {what}: {cause}. Nothing was changed; try again when Pylon "
                "is reachable.",
            )
        return Confirmation(
            Outcome.UNKNOWN,
            f"not confirmed: {what}. Pylon's answer was lost ({cause}) and asking again "
            f"failed ({error}), so it may or may not have been done: check with {show_hint}.",
        )
    if action.already_on(server):
        return Confirmation(
            Outcome.APPLIED,
            f"done: {what} (Pylon's answer was lost; the ticket now shows the change)",
        )
    if queued.maybe_applied:
        return Confirmation(
            Outcome.UNKNOWN,
            f"not confirmed: {what}. Pylon's answer was lost ({cause}) and the ticket does "
            f"not show the change yet, but Pylon may still make it: check with {show_hint} "
            "in a minute before trying again.",
        )
    return Confirmation(
        Outcome.NOT_APPLIED,
        f"could not {what}: {cause}. Nothing was changed (checked with Pylon); try again "
        "when it is reachable.",
    )

"""Drafts in the reply and note flows: the dialog gets the ticket's draft, and the draft
goes only once the outbox has recorded the change, so no refusal loses the user's words."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from pylon_tui.domain import Ticket
from pylon_tui.sync import BoardService
from pylon_tui.sync.drafts import DraftKind

if TYPE_CHECKING:
    from pylon_tui.tui.modals.compose import DraftSlot


def draft_slot(service: BoardService, ticket_id: str, kind: DraftKind) -> DraftSlot:
    from pylon_tui.tui.modals.compose import DraftSlot  # with the editor, not at start-up

    return DraftSlot(
        load=partial(service.draft, ticket_id, kind),
        save=partial(service.save_draft, ticket_id, kind),
        drop=partial(service.drop_draft, ticket_id, kind),
    )


def settle_draft(
    service: BoardService,
    sending: object | None,
    ticket: Ticket,
    kind: DraftKind,
    text: str,
    notify: Callable[..., Any],
) -> None:
    """After a submit: a recorded change (`sending` is its worker) drops the draft; a
    refused one (None: the cache could not record it) keeps the text as the draft, and
    the user hears where it is."""
    if sending is not None:
        service.drop_draft(ticket.id, kind)
        return
    on_disk = service.save_draft(ticket.id, kind, text)
    where = "" if on_disk else " in memory only (until you quit)"
    on = "to" if kind == "reply" else "on"
    notify(
        f"Your {kind} {on} #{ticket.number} is kept as its draft{where}: open the {kind} "
        "again to send it once the cache can be written.",
        title="Draft kept",
        severity="warning",
        timeout=20,
    )

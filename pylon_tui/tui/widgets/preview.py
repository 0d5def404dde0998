"""The focused card in full, under the board: its whole title, priority, account, waiting
age, assignee, linked issues and SLA, at any width from 40 columns up.

At 80x24 a column is 19 cells wide, so a card can show about ten characters of its title.
Widening the focused column instead (tried: see README, "Small and wide terminals") cut
every other column to unreadable stubs and repainted the whole board on each `h`/`l`
(17 KB over the wire); this strip costs three lines per focus move and shows everything.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from pylon_tui.domain import Directory, Ticket
from pylon_tui.domain.safe_text import one_line
from pylon_tui.domain.similar import SameIssueHint
from pylon_tui.domain.sla import SlaPolicy

from .cards import card_fields

PREVIEW_LINES = 3
"""Two lines of title, one of fields."""


class CardPreview(Static):
    COMPONENT_CLASSES = {
        "preview--title",
        "preview--meta",
        "preview--urgent",
        "preview--high",
        "preview--medium",
        "preview--low",
        "preview--none",
    }
    DEFAULT_CSS = "CardPreview { height: 3; padding: 0 0 0 1; }"

    sla: SlaPolicy | None = None
    """The board's SLA policy: the countdown the cards show, said in words here."""
    waiting: Callable[[], Mapping[str, int]] | None = None
    """Open tickets per linked issue, as the cards get it ("ENG-13 · 4 waiting")."""
    hint: Callable[[Ticket], SameIssueHint | None] | None = None
    """A New ticket's look-alike ("like #23 (ENG-12)"), as the cards get it."""
    _key: tuple[object, ...] | None = None
    _shown: tuple[object, ...] | None = None
    _args: tuple[Ticket | None, Directory, datetime, dict[str, str]] | None = None

    def show(
        self,
        ticket: Ticket | None,
        directory: Directory,
        now: datetime,
        link_states: dict[str, str],
    ) -> None:
        """Redraw only when the focused ticket (a changed ticket is a new object), the
        minute or the width changed: a cursor key in a column rewrites three lines."""
        self._args = (ticket, directory, now, link_states)
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._key = self._shown = None
        # After the whole stylesheet update: a new theme reaches this widget before its
        # component classes, and drawing now kept the old theme's colours (`T`).
        self.call_later(self._draw)

    def _draw(self) -> None:
        if self._args is None:
            return
        ticket, directory, now, link_states = self._args
        width = max(1, self.content_region.width or self.app.size.width - 2)
        links = tuple(sorted(link_states.items())) if ticket and ticket.links else ()
        extras = self._extras(ticket)
        minute = int(now.timestamp() // 60)
        key = (id(ticket), ticket, width, minute, id(directory), links, extras)
        if key == self._key:
            return
        self._key = key
        text = self._text(ticket, directory, now, link_states, width, extras)
        shown = (text.plain, text.spans, text.style)
        if shown != self._shown:  # a newer copy of the ticket (its update time) reads the same
            self._shown = shown
            self.update(text, layout=False)

    def _extras(self, ticket: Ticket | None) -> tuple[dict[str, int], SameIssueHint | None]:
        """What issue 15 adds to the fields: the waiting counts of this ticket's links (a
        redraw only when one of them changed) and its "like #23" hint."""
        if ticket is None:
            return {}, None
        waiting = self.waiting() if self.waiting is not None else {}
        counts = {link.external_id: waiting.get(link.external_id, 0) for link in ticket.links}
        return counts, self.hint(ticket) if self.hint is not None else None

    def _text(
        self,
        ticket: Ticket | None,
        directory: Directory,
        now: datetime,
        link_states: dict[str, str],
        width: int,
        extras: tuple[dict[str, int], SameIssueHint | None] = ({}, None),
    ) -> Text:
        style = self.get_component_rich_style
        if ticket is None:
            return Text("no card focused", style=style("preview--meta"), no_wrap=True)
        lines = title_lines(f"#{ticket.number} {one_line(ticket.title)}", width)
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("\n".join(lines), style=style("preview--title"))
        priority = ticket.priority
        label = priority.label if priority else "No priority"
        waiting, hint = extras
        fields = card_fields(
            ticket, directory, now, link_states, self.sla, waiting=waiting, hint=hint
        )
        names = {field.name for field in fields}
        meta = []
        for field in fields:
            if field.name == "age":
                meta.append(f"waiting {field.text}")
            elif field.name == "sla":
                meta.append(f"SLA {field.text}")
            else:
                meta.append(field.said or field.text)
            # Said out loud: at a glance "no assignee" and "not linked" are answers too.
            if field.name == "account" and "assignee" not in names:
                meta.append("unassigned")
            last_of_who = "assignee" if "assignee" in names else "account"
            if field.name == last_of_who and "link" not in names:
                meta.append("no linked issue")
        room = PREVIEW_LINES - len(lines)
        meta_lines = title_lines(" · ".join([label, *meta]), width, room)
        for index, line in enumerate(meta_lines):
            text.append("\n")
            if index == 0:  # the priority word, in the priority's colour
                badge = f"preview--{priority.value if priority else 'none'}"
                text.append(label, style=style(badge))
                line = line[len(label) :]
            text.append(line, style=style("preview--meta"))
        return text


def title_lines(title: str, width: int, lines: int = PREVIEW_LINES - 1) -> list[str]:
    """`title` (or the fields) over at most `lines` lines, broken at spaces (joined with
    one space they give it back), the last cut with an ellipsis if it still does not fit."""
    wrapped = textwrap.wrap(title, width, break_long_words=True, break_on_hyphens=False)
    if len(wrapped) <= lines:
        return wrapped or [""]
    kept = wrapped[: lines - 1]
    rest = " ".join(wrapped[lines - 1 :])
    kept.append(rest[: max(0, width - 1)] + "…")
    return kept

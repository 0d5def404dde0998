"""Write a reply or an internal note, prefilled from a template and editable before send.

Nothing typed here is thrown away: the text is kept as the ticket's draft while the user
types (and on escape, and if the app quits), comes back when the dialog opens again, and
a template goes in at the cursor as one edit that ctrl+z takes back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Label, TextArea
from textual.widgets.text_area import Location

from pylon_tui.domain.htmltext import html_to_text
from pylon_tui.domain.macros import Macro
from pylon_tui.domain.safe_text import one_line, strip_controls
from pylon_tui.tui.catalog import Scope, bindings, hint, keymap_of
from pylon_tui.tui.safe import plain

DRAFT_SAVE_DELAY = 0.3
"""Seconds of quiet typing before the draft is written: one write per pause, not per key."""


@dataclass(frozen=True)
class DraftSlot:
    """Where this dialog's unsent text lives (one ticket's reply or note draft), so the
    dialog keeps it without knowing of the cache. `save` answers False when the text could
    only be kept in memory (the disk refused it): it lasts until the app quits."""

    load: Callable[[], str | None]
    save: Callable[[str], bool]
    drop: Callable[[], object]


class ComposeModal(ModalScreen[str | None]):
    BINDINGS = bindings(
        Scope.DIALOG,
        "compose_send",
        "dialog_cancel",
        "compose_next_template",
        "compose_macro",
        "compose_ai_draft",
        "dialog_help",
    )

    def __init__(
        self,
        title: str,
        *,
        context: str = "",
        text: str = "",
        templates: dict[str, str] | None = None,
        drafts: DraftSlot | None = None,
        pick_macro: Callable[[], Awaitable[Macro | None]] | None = None,
        ai_draft: Callable[[], Awaitable[str | None]] | None = None,
    ) -> None:
        super().__init__()
        self.pick_macro = pick_macro
        self.ai_draft = ai_draft
        self.applied_macros: list[Macro] = []
        """Macros inserted here, in order: their actions run once the text is sent."""
        self._asking = False
        self.title_text = title
        self.context_text = context
        self.drafts = drafts
        draft = drafts.load() if drafts is not None else None
        self.restored = bool(draft)
        """The user's own earlier words, which win over the template."""
        self.initial = draft or text
        self.templates = list((templates or {}).items())
        self._template_index = next(
            (i for i, (_, body) in enumerate(self.templates) if body == self.initial), -1
        )
        self._inserted: tuple[Location, Location, str] | None = None
        """Where the last template went and the text it left: ctrl+t again swaps it for the
        next template, as long as nothing was typed since."""
        self._area = TextArea(self.initial, id="compose-text", soft_wrap=True)
        self._save_timer: Timer | None = None
        self._finished = False
        self._memory_only_said = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog compose"):
            yield Label(Text(self.title_text, style="bold"))
            if self.context_text:
                yield Label(Text(one_line(self.context_text), style="dim"), classes="context")
            if self.restored:
                yield Label(Text("Restored your draft.", style="italic"), id="compose-note")
            yield self._area
            cancel = "cancel (draft kept)" if self.drafts is not None else "cancel"
            pairs = [("compose_send", "send"), ("dialog_cancel", cancel)]
            if self.templates and (len(self.templates) > 1 or self._template_index < 0):
                pairs.append(("compose_next_template", "insert template"))
            keys = hint(keymap_of(self.app), *pairs)
            yield Label(plain(keys, "dim"), id="compose-keys")
            extra = [("compose_macro", "insert a Pylon macro")] if self.pick_macro else []
            if self.ai_draft is not None:
                extra.append(("compose_ai_draft", "AI draft"))
            if extra:
                yield Label(plain(hint(keymap_of(self.app), *extra), "dim"), id="compose-tools")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)
        if self._template_index >= 0:  # the prefilled template is one ctrl+t may swap
            self._inserted = ((0, 0), area.document.end, area.text)

    def action_send(self) -> None:
        text = self.query_one(TextArea).text.strip()
        if not text:
            self.notify("Nothing to send: write a message or press escape", severity="warning")
            return
        # Kept until the caller knows the send is queued: a refused one loses no words.
        self._keep_draft()
        self._finished = True
        self.dismiss(text)

    def action_next_template(self) -> None:
        """Put the next configured template ([templates] in config.toml) in at the cursor,
        as one undoable edit; pressed again straight away, it swaps that template for the
        next one, so cycling never piles templates up."""
        if not self.templates:
            return
        self._template_index = (self._template_index + 1) % len(self.templates)
        name, body = self.templates[self._template_index]
        area = self.query_one(TextArea)
        area.history.checkpoint()
        if self._inserted is not None and self._inserted[2] == area.text:
            start, end, _ = self._inserted
            result = area.replace(body, start, end, maintain_selection_offset=False)
        else:
            cursor = area.cursor_location
            lead = _separator(area.get_text_range((0, 0), cursor))
            result = area.insert(lead + body, cursor, maintain_selection_offset=False)
            start = (cursor[0] + lead.count("\n"), 0) if lead else cursor
        area.history.checkpoint()
        self._inserted = (start, result.end_location, area.text)
        self.notify(f"template: {name}", timeout=2)

    # ----- macros and AI drafts: text in at the cursor, one undoable edit ---------------
    def action_macro(self) -> None:
        if self.pick_macro is None:
            self.notify("Macros are not available here", severity="warning")
        elif not self._asking:
            # "flow": it waits on the macro picker, like the flows do (runner.FLOW_GROUP)
            self.run_worker(self._insert_macro(self.pick_macro), group="flow", exit_on_error=False)

    async def _insert_macro(self, pick: Callable[[], Awaitable[Macro | None]]) -> None:
        self._asking = True
        try:
            macro = await pick()
        finally:
            self._asking = False
        if macro is None or self._finished:
            return
        self.insert_text(html_to_text(macro.text_html))
        self.applied_macros.append(macro)
        extra = " (its actions run when you send)" if macro.actions else ""
        self.notify(f"macro: {one_line(macro.name)}{extra}", timeout=3)

    def action_ai_draft(self) -> None:
        if self.ai_draft is None:
            self.notify("AI drafts are not available here", severity="warning")
        elif not self._asking:
            self.notify("Asking the AI agent for a draft…", timeout=3)
            self.run_worker(self._insert_ai_draft(self.ai_draft), exit_on_error=False)

    async def _insert_ai_draft(self, ask: Callable[[], Awaitable[str | None]]) -> None:
        self._asking = True
        try:
            text = await ask()
        finally:
            self._asking = False
        if text and not self._finished:
            area = self.query_one(TextArea)
            untouched = not area.text.strip() or area.text in (b for _, b in self.templates)
            if untouched:  # only a template there: the draft takes its place (ctrl+z back)
                area.history.checkpoint()
                area.replace("", (0, 0), area.document.end, maintain_selection_offset=False)
            self.insert_text(text)
            self.notify("AI draft inserted: read it, edit it, then send", timeout=4)

    def insert_text(self, text: str) -> None:
        """Untrusted text (a macro, an AI draft) in at the cursor as one edit ctrl+z takes
        back; controls removed, lines kept."""
        body = strip_controls(text, keep_newlines=True).strip()
        if not body:
            return
        area = self.query_one(TextArea)
        area.history.checkpoint()
        cursor = area.cursor_location
        lead = _separator(area.get_text_range((0, 0), cursor))
        after = area.get_text_range(cursor, area.document.end)
        trail = "\n\n" if after.strip() and not after.startswith("\n") else ""
        area.insert(lead + body + trail, cursor, maintain_selection_offset=False)
        area.history.checkpoint()
        self._inserted = None
        area.focus()

    def action_cancel(self) -> None:
        kept = self._keep_draft()
        self._finished = True
        if kept is True:
            self.notify("Draft kept: it comes back when you open this again", timeout=4)
        elif kept is False:
            self.notify(
                "Draft kept in memory only (the cache refused it): it comes back when you "
                "open this again, until you quit",
                severity="warning",
                timeout=10,
            )
        self.dismiss(None)

    # ----- the draft -------------------------------------------------------------------
    def on_text_area_changed(self, _: TextArea.Changed) -> None:
        if self.drafts is None or self._finished:
            return
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(DRAFT_SAVE_DELAY, self._keep_draft)

    def on_unmount(self) -> None:
        """Closed some other way (the app quit): the last keys typed are kept too."""
        if not self._finished:
            self._keep_draft()

    def _keep_draft(self) -> bool | None:
        """Save the text as the draft now. None when there is nothing of the user's to keep
        (empty, or just a template: the draft is dropped), else whether it reached the disk."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        if self.drafts is None:
            return None
        text = self._area.text
        if not text.strip() or text in (body for _, body in self.templates):
            self.drafts.drop()
            return None
        if self.drafts.save(text):
            return True
        if not self._memory_only_said:
            self._memory_only_said = True
            self.notify(
                "Draft kept in memory only: the cache refused it (see the status bar). "
                "It lasts until you quit.",
                title="Draft not saved to disk",
                severity="warning",
                timeout=10,
            )
        return False


def _separator(before: str) -> str:
    """What goes between the text before the cursor and an inserted template: a blank line
    after words, nothing at the start or after one already."""
    trimmed = before.rstrip(" \t")
    if not trimmed or trimmed.endswith("\n\n"):
        return ""
    return "\n" if trimmed.endswith("\n") else "\n\n"

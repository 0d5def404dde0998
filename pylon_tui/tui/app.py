"""The Textual application: wires the board screen to the sync service and keeps it fresh."""

from __future__ import annotations

import gc
import os
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App, SystemCommand
from textual.filter import LineFilter
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.driver import Driver

from pylon_tui.api.errors import ApiError, RateLimitedError
from pylon_tui.bugreport import bug_summary, write_crash_log
from pylon_tui.domain import Category
from pylon_tui.domain.safe_text import one_line
from pylon_tui.tui.catalog import keymap_of, keys_in_effect
from pylon_tui.tui.context import AppContext
from pylon_tui.tui.crash import render_crash
from pylon_tui.tui.diff_driver import diffing
from pylon_tui.tui.flows import Flows
from pylon_tui.tui.flows.pylon_moves import departure_toasts
from pylon_tui.tui.key_order import KeyGate
from pylon_tui.tui.messages import OpenTicket, RefreshRequested, TicketsChanged
from pylon_tui.tui.modals.help import HelpScreen
from pylon_tui.tui.notify import Notifier
from pylon_tui.tui.safe import plain_message
from pylon_tui.tui.screens.board import BoardScreen
from pylon_tui.tui.screens.detail import DetailScreen
from pylon_tui.tui.theme import THEMES, choice_label, colour_filters, next_choice, theme_name

DRAIN_SECONDS = 2.0


def _board_commands() -> type[Provider]:
    """Imported on first ctrl+p: the command machinery is not worth its start-up cost."""
    from pylon_tui.tui.palette import BoardCommands

    return BoardCommands


def freeze_long_lived() -> None:
    """Move the loaded board out of the garbage collector's sight.

    A full collection scans every live object; with 10,000 tickets that pause lands on a
    random key press (it was the whole p95 of a card move). The board lives until the next
    full load, so after each one the old board is collected and the new one frozen.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class PylonApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "pylon-tui"
    COMMANDS = App.COMMANDS | {_board_commands}
    ENABLE_COMMAND_PALETTE = True
    collect_after_start = False
    """The command line started the board with the garbage collector off (cli._dispatch):
    it goes back on after the first frame."""

    def __init__(
        self,
        ctx: AppContext,
        *,
        keymap: dict[str, str] | None = None,
        autoload: bool = True,
        on_exit: Callable[[], Awaitable[None]] | None = None,
        notes: list[str] | None = None,
        sixteen_colours: bool | None = None,
    ) -> None:
        # Under NO_COLOR, native ANSI mode makes Textual drop colours (NoColor) instead of
        # turning them into greys (Monochrome: 247 on 248 is no contrast at all).
        super().__init__(ansi_color=True if "NO_COLOR" in os.environ else None)
        for theme in THEMES:
            self.register_theme(theme)
        if sixteen_colours is None:
            sixteen_colours = self.console.color_system in ("standard", "windows")
        self.sixteen_colours = sixteen_colours
        self.theme = theme_name(ctx.theme, sixteen_colours=sixteen_colours)
        self._notes = list(notes or [])
        self._on_exit = on_exit
        self.ctx = ctx
        if len(ctx.service.board):
            # Painted from the cache: the board lives on, so out of the collector's sight
            # before the first frame (no collection first: that pass is what would cost).
            # A full collection during mount took ~150 ms at 100,000 tickets.
            gc.freeze()
        self.keymap_overrides = dict(keymap or {})
        self.autoload = autoload
        self.flows = Flows(self, ctx)
        self.board_screen = BoardScreen(ctx, self.flows)
        self._frozen_at = -1
        self._counting = False
        self.notifier = Notifier(self, ctx.tools.notify)
        """Desktop notifications and the [notify] hook (issue 14 item 10)."""
        self.key_gate = KeyGate(self, super().on_event)
        """Typed keys reach a dialog in the order they were typed (tui/key_order.py)."""

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every toast is literal text: messages carry server errors, titles and names.

        Screens and widgets notify through the app, so this one override covers them all;
        `markup` is accepted for Textual's signature and ignored.
        """
        del markup
        super().notify(
            plain_message(message),
            title=one_line(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    async def on_event(self, event: events.Event) -> None:
        """Keys pass the gate first: a dialog key acts only once the keys typed before it
        are in the field. Over SSH text and ctrl+s arrive together, and the send must not
        read the editor before the text is there (tui/key_order.py)."""
        if self.key_gate.admit(event):
            await super().on_event(event)

    def get_driver_class(self) -> type[Driver]:
        """Textual's terminal driver, writing only the cells a frame changes (issue 16)."""
        return diffing(super().get_driver_class())

    def get_line_filters(self) -> Sequence[LineFilter]:
        return colour_filters(super().get_line_filters(), self.no_color)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's theme switcher offers themes the stylesheet has no colours for; the
        board's own `T` (and its palette entry) switches between the pylon themes."""
        for command in super().get_system_commands(screen):
            if command.title != "Theme":
                yield command

    def action_switch_theme(self) -> None:
        """Default <-> high contrast, saved in the config so the next start keeps it."""
        choice = next_choice(self.ctx.theme)
        self.ctx.theme = choice
        self.theme = theme_name(choice, sixteen_colours=self.sixteen_colours)
        saved = ""
        if self.ctx.save_theme is not None:
            try:
                path = self.ctx.save_theme(choice)
            except (OSError, ValueError) as error:
                self.notify(
                    f"Theme: {choice_label(choice)}, for this session only: could not save it "
                    f'({error}). Set [ui] theme = "{choice}" in the config file.',
                    severity="warning",
                    timeout=10,
                )
                return
            saved = f" (saved in {path})"
        self.notify(f"Theme: {choice_label(choice)}{saved}", timeout=4)

    def report_worker_bug(self, worker: Worker[object]) -> None:
        """The boundary for background work: a bug in a worker becomes a message, never a
        crash screen (whose frame locals could show a token) and never a lost board."""
        if worker.error is None:
            return
        where = write_crash_log(worker.error, self.ctx.crash_log)
        self.notify(
            f"{bug_summary(worker.error)} while {worker.group or worker.name}. The board keeps "
            f"working and queued changes are safe.{where}",
            title="Unexpected error (a bug)",
            severity="error",
            timeout=30,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.report_worker_bug(event.worker)

    def _fatal_error(self) -> None:
        """Textual's crash screen prints every frame's local variables; ours never does."""
        self.bell()
        self._exit_renderables.append(render_crash(self.console, self.ctx.crash_log))
        self._close_messages_no_wait()

    def get_default_screen(self) -> Screen[None]:
        return self.board_screen

    def on_mount(self) -> None:
        if self.keymap_overrides:
            self.set_keymap(self.keymap_overrides)
        if self.ctx.sandbox:
            self.sub_title = "sandbox"
        for note in self._notes:
            self.notify(note, severity="warning", timeout=20)
        # The first frame comes first: the rest of a big cache, then the first sync.
        self.call_after_refresh(self._after_first_frame)
        self.set_interval(1.0, self._count_down)

    def _after_first_frame(self) -> None:
        service = self.ctx.service
        if service.board.partial:  # the first frame showed the columns' heads: now the rest
            service.paint_from_cache()
            gc.freeze()  # as in __init__: the board lives on, out of the collector's sight
            self.board_screen.rebuild(force=True)
        if self.collect_after_start:
            gc.enable()
        if self.autoload:
            self.refresh_board()
            if self.ctx.refresh_seconds > 0:
                self.set_interval(self.ctx.refresh_seconds, self.refresh_board)
            self.set_interval(DRAIN_SECONDS, self.drain_outbox)

    def _count_down(self) -> None:
        """Undo send's countdown in the status bar, once a second while a send waits."""
        if self.flows.sending_text() or self._counting:
            self._counting = bool(self.flows.sending_text())
            self.board_screen.update_bars()

    def drain_outbox(self) -> None:
        """Queued changes wait under --read-only: they go out the next time the board runs
        without it (the status bar counts them)."""
        if self.ctx.read_only:
            return
        if self.ctx.service.pending_count() and not self.flows.asking:
            self._drain()

    @work(exclusive=True, group="drain", exit_on_error=False)
    async def _drain(self) -> None:
        """Retry queued changes; report refusals and hand conflicts to the user."""
        report = await self.ctx.service.drain()
        screen = self.board_screen
        self._tell_departures()
        for failure in report.failed:
            hint = f" ({failure.error.hint})" if failure.error.hint else ""
            self.notify(f"{failure}{hint}", title="Rolled back", severity="error", timeout=10)
        if report.sent:
            self.notify(f"Sent {len(report.sent)} queued change(s)", timeout=3)
        if report.offline is not None:  # says why, as a refresh that failed does
            screen.set_sync("offline — working from the local cache", error=_why(report.offline))
        if report.checking:
            screen.set_sync(report.checking[0])
        if report.read_only:
            screen.set_sync("read-only", error=self.ctx.service.read_only_reason)
        if report.conflicts:  # counted in the status bar: never a dialog nobody asked for
            self.flows.conflicts_arrived(report.conflicts, resend=self._drain)
        if report.held:  # the customer wrote past a queued reply: counted, never opened
            self.flows.held_arrived(report.held)
        screen.data_changed()
        self._others_catch_up()

    def _tell_departures(self) -> None:
        """Cards Pylon took off the board just vanished: say where each went."""
        gone = self.ctx.service.take_departures()
        for line in departure_toasts(gone, self.keymap_overrides):
            self.notify(line, title="Moved in Pylon", timeout=12)

    def _alert_after_refresh(self) -> None:
        """New tickets and SLAs about to breach, outside the terminal (the first refresh is
        the baseline: nothing already on the board is announced)."""
        if not self.notifier.enabled:
            return
        board = self.ctx.service.board
        new_states = board.catalog.slugs_in(Category.NEW)
        alerts = self.notifier.watch.after_refresh(board.all(), new_states, self.ctx.now())
        self.notifier.send(alerts)

    def on_open_ticket(self, message: OpenTicket) -> None:
        """A ticket's detail over the board; the board catches up when it closes."""
        detail = DetailScreen(self.ctx, self.flows, message.ticket_id)
        self.push_screen(detail, lambda _: self.board_screen.rebuild())

    def on_refresh_requested(self, _: RefreshRequested) -> None:
        self.refresh_board()

    def action_dialog_help(self) -> None:
        """`?` (or f1) in a dialog: help, opened on the dialog keys' page. Help is a dialog
        over the dialog, which keeps its text and answers once help closes."""
        self.push_screen(
            HelpScreen(dict(self.keymap_overrides), others=True, read_only=self.ctx.read_only)
        )

    async def _watch_links(self) -> None:
        watcher = self.ctx.watcher
        if watcher is None:
            return
        try:
            if self.ctx.read_only:  # states for the cards, but no auto-return (a write)
                await watcher.refresh_states()
                returned = []
            else:
                returned = await watcher.poll()
        except ApiError as error:
            self.notify(f"Could not check linked issues: {error}", severity="warning")
            return
        self.ctx.link_states.update(watcher.short_states())
        review = keys_in_effect("ready_to_tell", keymap_of(self)).split(" ", 1)[0]
        for item in returned:
            told = item.describe() + (f", {review} to review" if item.drafted else "")
            self.notify(told, title="Issue closed", timeout=15)
        for handed in watcher.handed_over:
            self.notify(handed.describe(), title="Closed as a duplicate", timeout=15)
        if self.notifier.enabled:
            said = [(item.ticket, item.describe()) for item in returned]
            self.notifier.send(self.notifier.watch.returned(said))
        if returned and self.ctx.bell_on_return:
            self.bell()

    async def on_unmount(self) -> None:
        gc.unfreeze()  # what the board froze is the collector's again (an embedding process)
        if self._on_exit is not None:
            await self._on_exit()

    @work(exclusive=True, group="refresh", exit_on_error=False)
    async def refresh_board(self) -> None:
        """Never blocks a key: runs as a worker, and the board paints from what it has."""
        screen = self.board_screen
        screen.set_sync("syncing…")
        try:
            await self.ctx.service.refresh()
        except ApiError as error:
            if isinstance(error, RateLimitedError):
                wait = error.retry_after  # bounded by RateLimitedError (<= 10 min)
                label = f"Pylon asked us to wait {wait:.0f}s before refreshing"
            elif error.transient:
                label = "offline — working from the local cache"
            else:
                label = "sync failed"
            screen.set_sync(label, error=_why(error))
            return
        self._tell_departures()
        self._alert_after_refresh()
        await self._watch_links()
        self.drain_outbox()
        last = self.ctx.service.last_refresh
        stamp = last.astimezone().strftime("%H:%M:%S") if last else "now"
        if self.ctx.service.full_loads != self._frozen_at:
            self._frozen_at = self.ctx.service.full_loads
            freeze_long_lived()
        service = self.ctx.service  # what is missing: malformed tickets, names a role hides
        skipped = " · ".join(n for n in (service.skipped_note, service.names_note) if n)
        screen.set_sync(
            f"synced {stamp}" + (f" · {skipped}" if skipped else ""),
            error=self.ctx.service.read_only_reason,
        )
        screen.rebuild(force=True)  # ages on cards move on even when no ticket changed
        self._others_catch_up()

    def _others_catch_up(self) -> None:
        """A sync changed the board: an open detail screen shows it too (dialogs ignore it)."""
        for screen in self.screen_stack:
            if screen is not self.board_screen:
                screen.post_message(TicketsChanged())


def _why(error: ApiError) -> str:
    """The status bar's error: what failed, then its fix."""
    return f"{error} — {error.hint}" if error.hint else str(error)

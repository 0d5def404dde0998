"""Command line entry point: the board by default, plus setup, doctor and headless commands.

Every failure a user can cause ends here as one line naming the fix and a non-zero exit,
never a traceback.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pylon_tui import __version__
from pylon_tui.cli.output import err, say

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pylon-tui",
        description="Triage Pylon tickets on a keyboard-driven Kanban board.",
        epilog="With no Pylon token configured, everything runs against the built-in sandbox.",
    )
    parser.add_argument("--version", action="version", version=f"pylon-tui {__version__}")
    parser.add_argument("--config", type=Path, help="config file (default: see `doctor`)")
    parser.add_argument(
        "--read-only",
        action="store_true",
        help="look, never change: write keys are off and `move` is refused",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("board", help="open the board (the default)")
    sub.add_parser("setup", help="write a config file interactively")
    sub.add_parser("doctor", help="check config, token, region and connectivity")
    p_list = sub.add_parser("list", help="print the board")
    p_list.add_argument("--column", help="only this column (key or title, e.g. on-hold)")
    p_list.add_argument("--json", action="store_true", help="machine-readable output")
    p_list.add_argument(
        "--view", help="a saved view: [views.NAME] in config, or mine, unassigned, urgent, sla"
    )
    p_list.add_argument(
        "--filter",
        metavar="QUERY",
        help='the board\'s query language, e.g. "priority:urgent,high -tag:spam sla:<2h"',
    )
    p_list.add_argument("--sort", metavar="KEY", help="default, sla, waiting, updated or priority")
    p_show = sub.add_parser("show", help="print one ticket and its thread")
    p_show.add_argument("number", type=int)
    p_show.add_argument("--json", action="store_true")
    p_move = sub.add_parser("move", help="move a ticket to a column")
    p_move.add_argument("number", type=int)
    p_move.add_argument("column", help="column key or title: new, on-you, on-hold, closed")
    p_move.add_argument(
        "--link", help="issue to link first: Linear (URL, ENG-42, UUID) or a GitHub issue URL"
    )
    p_move.add_argument(
        "--allow-closed", action="store_true", help="link the --link issue even if it is closed"
    )
    p_linked = sub.add_parser(
        "linked", help="linked issues and the tickets waiting on each, most waited first"
    )
    p_linked.add_argument("--json", action="store_true", help="machine-readable output")
    p_sandbox = sub.add_parser("sandbox", help="the built-in Pylon + Linear emulator")
    sandbox_sub = p_sandbox.add_subparsers(dest="sandbox_command", metavar="ACTION")
    p_serve = sandbox_sub.add_parser("serve", help="serve the sandbox on 127.0.0.1")
    p_serve.add_argument("--port", type=int, default=8765)
    p_close = sandbox_sub.add_parser("close", help="close a sandbox Linear issue (e.g. ENG-12)")
    p_close.add_argument("ref")
    p_close.add_argument(
        "--as",
        dest="ending",
        choices=("done", "canceled", "wontfix", "duplicate"),
        default="done",
        help="how it ends (default done)",
    )
    p_close.add_argument("--duplicate-of", metavar="REF", help="with --as duplicate: of which")
    p_close.add_argument("--release", help="the release that ships the fix (e.g. 2024.6.2)")
    p_write = sandbox_sub.add_parser(
        "write", help="a customer message on a sandbox ticket (e.g. 23 'any news?')"
    )
    p_write.add_argument("ticket", help="ticket number")
    p_write.add_argument("text")
    p_reset = sandbox_sub.add_parser("reset", help="wipe and reseed the sandbox")
    p_reset.add_argument("--tickets", type=int, default=80)
    p_completion = sub.add_parser("completion", help="print a shell completion script")
    p_completion.add_argument("shell", choices=("bash", "zsh", "fish"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Output cut short by its reader (`pylon-tui list | head`) ends
    quietly with exit 0, whatever was being written then: the user asked for less."""
    _skip_httpx_cli()
    try:
        try:
            return _main(argv)
        finally:  # buffered output fails here, not in Python's own flush at exit
            sys.stdout.flush()
    except BrokenPipeError:
        return _reader_went_away()


def _skip_httpx_cli() -> None:
    """httpx's package imports its own command-line tool whenever click is installed (click,
    rich.progress and pygments: about 25 ms of every start) for a `main` pylon-tui never
    runs. A None entry makes that import fail, which httpx answers with a stub `main`.
    Only in our own process, and only before httpx is imported: an embedder keeps its httpx."""
    if "httpx" not in sys.modules:
        sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]


def _reader_went_away() -> int:
    """Python flushes stdout again at exit and would print "Exception ignored ... Broken
    pipe" to stderr: point stdout at /dev/null first (the recipe in Python's `signal` docs)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            os.close(devnull)
    except (OSError, ValueError):  # no real file behind stdout (a test's capture): nothing to do
        pass
    return EXIT_OK


def _main(argv: Sequence[str] | None) -> int:
    from pylon_tui.api.errors import ApiError
    from pylon_tui.config import ConfigError
    from pylon_tui.sync.outbox import ActionFailed, ActionQueued

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _dispatch(parser, args)
    except ConfigError as error:
        _err(f"config: {error.message}")
        return EXIT_USAGE
    except ApiError as error:
        hint = f"\n  fix: {error.hint}" if error.hint else ""
        _err(f"{error}{hint}")
        return EXIT_FAIL
    except ActionQueued as queued:
        if queued.maybe_applied:  # the request left and its answer was lost: don't guess
            _err(
                f"not confirmed: {queued}. Pylon may have applied it; check with "
                "`pylon-tui show` before trying again."
            )
        else:
            _err(f"not sent: {queued}. Nothing was changed; try again when Pylon is reachable.")
        return EXIT_FAIL
    except ActionFailed as failed:
        hint = f"\n  fix: {failed.error.hint}" if failed.error.hint else ""
        _err(f"{failed}{hint}")
        return EXIT_FAIL
    except BrokenPipeError:  # an OSError too, but not a file problem: see main
        raise
    except OSError as error:
        where = f" ({error.filename})" if getattr(error, "filename", None) else ""
        _err(
            f"{error.strerror or error}{where}: check that the path exists and is writable "
            "by you (see `pylon-tui doctor` for the paths in use)"
        )
        return EXIT_FAIL
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the last boundary: a bug prints one line, never locals
        return _report_bug(error)


def _report_bug(error: Exception) -> int:
    from pylon_tui.bugreport import bug_summary, write_crash_log
    from pylon_tui.config.paths import log_path

    try:
        log = log_path()
    except OSError:
        log = None
    where = write_crash_log(error, log)
    _err(f"unexpected error (a bug): {bug_summary(error)}.{where}")
    return EXIT_FAIL


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """The board starts with the garbage collector off: its imports and first frame make
    objects by the hundred thousand and no garbage worth a pass (about 12 ms of collections
    at 10,000 tickets). The app turns it back on after its first frame."""
    collecting = gc.isenabled()
    if (args.command or "board") == "board":
        gc.disable()
    try:
        return _run(parser, args, collect_after_start=collecting)
    finally:
        if collecting:
            gc.enable()


def _run(
    parser: argparse.ArgumentParser, args: argparse.Namespace, *, collect_after_start: bool
) -> int:
    from pylon_tui.cli import commands

    command = args.command or "board"
    if command == "completion":
        from pylon_tui.cli.completion import script

        say(script(parser, args.shell).rstrip("\n"))
        return EXIT_OK
    if command == "setup":
        return commands.setup(args.config)
    if command == "sandbox":
        if not args.sandbox_command:
            parser.parse_args(["sandbox", "--help"])
        return commands.sandbox(args)
    config = commands.load(args.config)
    if command == "board":
        return commands.board(
            config, read_only=args.read_only, collect_after_start=collect_after_start
        )
    if command == "doctor":
        return commands.doctor(config)
    if command == "list":
        from pylon_tui.cli.listing import SelectionError, select

        try:
            selection = select(
                config,
                view=args.view,
                filter_text=args.filter,
                sort=args.sort,
                sandbox=config.sandbox,
            )
        except SelectionError as error:
            _err(str(error))
            return EXIT_USAGE
        return commands.list_board(
            config, column=args.column, as_json=args.json, selection=selection
        )
    if command == "linked":
        from pylon_tui.cli.linked import linked

        return linked(config, as_json=args.json)
    if command == "show":
        return commands.show(config, args.number, as_json=args.json)
    if command == "move":
        if args.read_only:
            _err("--read-only: move changes a ticket; run it without --read-only")
            return EXIT_USAGE
        return commands.move(
            config, args.number, args.column, link=args.link, allow_closed=args.allow_closed
        )
    parser.error(f"unknown command {command}")
    return EXIT_USAGE  # pragma: no cover


def _err(message: str) -> None:
    err(f"pylon-tui: {message}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""`pylon-tui sandbox …`: serve, close a Linear issue (to watch auto-return), reset."""

from __future__ import annotations

import argparse
from html import escape

from pylon_tui.cli.output import err, say
from pylon_tui.config import paths


def run_sandbox(args: object) -> int:
    from pylon_tui.sandbox import Sandbox, serve

    assert isinstance(args, argparse.Namespace)
    sandbox = Sandbox(paths.sandbox_db_path())
    action = args.sandbox_command
    if action == "reset":
        sandbox.reseed(args.tickets)
        say(f"sandbox reseeded with {args.tickets} tickets ({paths.sandbox_db_path()})")
        return 0
    sandbox.ensure_seeded()
    if action == "close":
        try:
            issue = sandbox.end_linear_issue(
                args.ref, args.ending, duplicate_of=args.duplicate_of, release=args.release
            )
        except KeyError as missing:
            err(f"pylon-tui: the sandbox has no Linear issue {missing}")
            return 1
        except ValueError as wrong:
            err(f"pylon-tui: {wrong}")
            return 2
        what = "On Hold tickets linked to it return to On You at the next refresh"
        if args.ending == "duplicate" and args.duplicate_of:
            what = f"On Hold tickets linked to it move to {args.duplicate_of} at the next refresh"
        say(f"closed {issue.get('identifier', args.ref)} ({issue['state']['name']}): {what}")
        return 0
    if action == "write":
        try:
            sandbox.customer_message(args.ticket.lstrip("#"), f"<p>{escape(args.text)}</p>")
        except KeyError:
            err(f"pylon-tui: the sandbox has no ticket #{args.ticket.lstrip('#')}")
            return 1
        say(f"the customer wrote on #{args.ticket.lstrip('#')}")
        return 0
    server = serve(sandbox, host="127.0.0.1", port=args.port)
    host, port = server.server_address[:2]
    say(f"sandbox serving on http://{host!s}:{port} (Pylon at /, Linear at /graphql); ctrl+c stops")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0

"""`pylon-tui sandbox …`: serve, close a Linear issue (to watch auto-return), reset."""

from __future__ import annotations

import argparse

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
            issue = sandbox.close_linear_issue(args.ref)
        except KeyError:
            err(f"pylon-tui: the sandbox has no Linear issue '{args.ref}'")
            return 1
        say(
            f"closed {issue.get('identifier', args.ref)}: "
            "On Hold tickets linked to it return to On You at the next refresh"
        )
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

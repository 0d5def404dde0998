"""`pylon-tui sandbox …`: serve, close a Linear issue (to watch auto-return), reset."""

from __future__ import annotations

import argparse
import sys

from pylon_tui import paths


def run_sandbox(args: object) -> int:
    from pylon_tui.sandbox import Sandbox, serve

    assert isinstance(args, argparse.Namespace)
    sandbox = Sandbox(paths.sandbox_db_path())
    action = args.sandbox_command
    if action == "reset":
        sandbox.reseed(args.tickets)
        print(f"sandbox reseeded with {args.tickets} tickets ({paths.sandbox_db_path()})")
        return 0
    sandbox.ensure_seeded()
    if action == "close":
        try:
            issue = sandbox.close_linear_issue(args.ref)
        except KeyError:
            print(f"pylon-tui: the sandbox has no Linear issue '{args.ref}'", file=sys.stderr)
            return 1
        print(
            f"closed {issue.get('identifier', args.ref)}: "
            "On Hold tickets linked to it return to On You at the next refresh"
        )
        return 0
    server = serve(sandbox, host="127.0.0.1", port=args.port)
    host, port = server.server_address[:2]
    print(
        f"sandbox serving on http://{host!s}:{port} (Pylon at /, Linear at /graphql); ctrl+c stops",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0

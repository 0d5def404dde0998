"""Should pylon-tui use Pylon's official SDK (usepylon) at run time? (issue 18, item 6)

Measures, each in a fresh interpreter where it matters, the SDK against the client's own code:
import time, time to parse 10,000 tickets from one search answer (the SDK's pydantic models vs
pylon_tui.api.wire), peak memory of that parse, and prints what the SDK offers for async use,
rate budgets and error mapping. Run: `.venv/bin/python bench/sdk_vs_client.py` (needs the test
extras, where usepylon is pinned).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

N = 10_000
RUNS = 5


IMPORTS = {
    # usepylon imports its clients lazily: touch what a run-time user needs.
    "usepylon (AsyncPylon + types)": "from usepylon import AsyncPylon; import usepylon.types",
    "pylon_tui.api.pylon": "import pylon_tui.api.pylon",
}


def _import_seconds(statement: str) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    times = []
    for _ in range(RUNS):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        times.append(float(out.stdout))
    return statistics.median(times)


def _issue(i: int) -> dict[str, Any]:
    now = datetime(2026, 11, 25, tzinfo=UTC)
    stamp = (now - timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "id": f"00000000-0000-4000-8000-{i:012d}",
        "number": i + 1,
        "title": f"Ticket {i}: export fails for large accounts",
        "body_html": "<p>Our export times out after 30 seconds.</p>",
        "state": ["new", "waiting_on_you", "on_hold", "closed"][i % 4],
        "type": "conversation",
        "source": "slack",
        "link": f"https://app.usepylon.com/issues?issueNumber={i + 1}",
        "created_at": stamp,
        "updated_at": stamp,
        "latest_message_time": stamp,
        "tags": ["export", "bug"],
        "custom_fields": {"priority": {"slug": "priority", "value": "high"}},
        "external_issues": [
            {"source": "linear", "external_id": "8c0e5d36-0000-4000-8000-000000000001",
             "link": "https://linear.app/acme/issue/ENG-12/x"}
        ] if i % 3 == 0 else [],
        "account": {"id": "acc-1"},
        "assignee": {"id": "u1", "email": "maya@example.com"},
        "requester": {"id": "c1", "email": "dana@example.com"},
        "team": {"id": "team-1"},
        "attachment_urls": [],
        "csat_responses": [],
        "customer_portal_visible": False,
        "is_issue_group": False,
        "author_unverified": False,
        "number_of_touches": 2,
    }  # fmt: skip


PARSE = {
    "sdk": (
        "from usepylon.core.pydantic_utilities import parse_obj_as\n"
        "from usepylon.types import SearchIssuesResponseBody\n"
        "parse = lambda body: parse_obj_as(SearchIssuesResponseBody, body).data\n"
    ),
    "client": (
        "from pylon_tui.api import wire\n"
        "from pylon_tui.api.skipped import SkippedTickets, tickets_from_json\n"
        "options = wire.PriorityOptions.default()\n"
        "parse = lambda body: tickets_from_json(body['data'], options, SkippedTickets())\n"
    ),
}


def _parse_run(kind: str) -> dict[str, float]:
    code = PARSE[kind] + (
        "import json, sys, time, tracemalloc, resource\n"
        "body = json.loads(sys.stdin.read())\n"
        "parse(body)  # warm up (pydantic builds its validators lazily)\n"
        "times = []\n"
        f"for _ in range({RUNS}):\n"
        "    t = time.perf_counter(); out = parse(body); times.append(time.perf_counter() - t)\n"
        "assert len(out) == len(body['data'])\n"
        "tracemalloc.start(); kept = parse(body); peak = tracemalloc.get_traced_memory()[1]\n"
        "tracemalloc.stop()\n"
        "times.sort()\n"
        "rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(json.dumps({'median_s': times[len(times) // 2], 'peak_mib': peak / 2**20,"
        " 'rss_mib': rss}))\n"
    )
    body = json.dumps({"data": [_issue(i) for i in range(N)], "request_id": "r"})
    out = subprocess.run(
        [sys.executable, "-c", code], input=body, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def _sdk_facts() -> dict[str, object]:
    import inspect

    import usepylon
    from usepylon.core import http_client

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.contract import sdk_oracle

    ops = sdk_oracle.operations()
    limits = sorted({op.rate_limit for op in ops if op.rate_limit})
    retry = inspect.getsource(http_client)
    return {
        "operations": len(ops),
        "async client": hasattr(usepylon, "AsyncPylon"),
        "rate limits documented": f"{sum(1 for o in ops if o.rate_limit)} ops, tiers {limits}",
        "client-side budget": "none (retries a 429 after it happens)",
        "reads X-Retry-After": "x-retry-after" in retry.lower(),
        "reads Retry-After": "retry-after" in retry.lower(),
        "error classes": "BadRequest/Unauthorized/Forbidden/NotFound/Conflict/TooManyRequests/"
        "InternalServer by status; `code`, `request_id` only inside .body",
    }


def main() -> None:
    print(f"python {sys.version.split()[0]}; median of {RUNS} runs; N = {N:,} tickets")
    for name, statement in IMPORTS.items():
        print(f"import {name:<30} {_import_seconds(statement) * 1000:7.0f} ms")
    for kind in ("sdk", "client"):
        got = _parse_run(kind)
        print(
            f"parse {N:,} tickets ({kind:<6}) {got['median_s'] * 1000:7.0f} ms,"
            f" peak {got['peak_mib']:6.1f} MiB traced, process RSS {got['rss_mib']:6.1f} MiB"
        )
    for key, value in _sdk_facts().items():
        print(f"SDK {key}: {value}")


if __name__ == "__main__":
    main()

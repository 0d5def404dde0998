"""The soak's checks against the sandbox and its JSON-lines report."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from bench.common import BASE_URL, emit
from bench.soak_model import ORG_LIMITS, PEOPLE, Hit, Record, SoakResult, endpoint
from pylon_tui.sandbox import Sandbox
from pylon_tui.sync.intents import (
    MARKER,
    Assign,
    Link,
    Move,
    Note,
    Reply,
    SetPriority,
    SetTags,
    Snooze,
    Unlink,
)

# Writes after which Pylon itself moves a ticket (its automations): a reply (the AI moves it to
# waiting_on_customer), a link to an unfinished engineering issue (to on_hold).
AUTOMATED_MOVES = ("reply", "external-issues")


def _verify(sandbox: Sandbox, hits: list[Hit], records: dict[str, Record]) -> dict[str, Any]:
    """Check every action against the sandbox itself (limits off, straight to `handle`)."""

    def get(path: str) -> Any:
        status, _, body = sandbox.handle("GET", f"{BASE_URL}{path}", {}, b"")
        if status != 200:
            raise RuntimeError(f"verify GET {path}: {status}")
        return json.loads(body)["data"]

    issues: dict[str, Any] = {}
    threads: dict[str, list[Any]] = {}
    # the last accepted write of each (ticket, field), in the order the sandbox served them
    last: dict[tuple[str, str], Any] = {}
    patches: Counter[tuple[str, str, str]] = Counter()
    for hit in hits:
        if hit.status >= 300 or hit.body is None:
            continue
        parts = hit.path.strip("/").split("/")
        if hit.method == "PATCH":
            tid = parts[1]
            for name, value in _patched_fields(hit.body):
                last[(tid, name)] = value
                patches[(tid, name, str(value))] += 1
        elif hit.method == "POST" and len(parts) == 3 and parts[2] in AUTOMATED_MOVES:
            last[(parts[1], "state_by_reply")] = hit.seq
    lost, duplicates, confirmed_server = [], [], 0
    superseded = 0
    for key, record in records.items():
        action, tid = record.action, record.action.ticket_id
        issue = issues.get(tid) or issues.setdefault(tid, get(f"/issues/{tid}"))
        on_server: bool
        if isinstance(action, Reply | Note):
            # one page of up to 999: the sandbox pages threads (3 a page unless asked)
            path = f"/issues/{tid}/messages?limit=999"
            thread = threads.get(tid) or threads.setdefault(tid, get(path))
            count = sum(f"{MARKER}{key}" in (m.get("message_html") or "") for m in thread)
            on_server = count >= 1
            if count > 1:
                duplicates.append(key)
        elif isinstance(action, Link | Unlink):
            count = sum(x["external_id"] == action.external_id for x in issue["external_issues"])
            on_server = count >= 1 if isinstance(action, Link) else count == 0
            if count > 1:
                duplicates.append(key)
        elif isinstance(action, SetTags | Snooze):  # the soak makes none of these
            on_server = True
        else:
            name, value = _patched_field(action)
            on_server = patches[(tid, name, str(value))] >= 1
            final = _field(issue, name)
            if on_server and final != last.get((tid, name)):
                if name == "state" and (tid, "state_by_reply") in last:
                    superseded += 1  # a reply or a link moved it on afterwards: Pylon's rules
                else:
                    lost.append(key)  # the server does not hold its last accepted write
        if record.outcome == "confirmed":
            if on_server:
                confirmed_server += 1
            else:
                lost.append(key)
    return {
        "confirmed_on_server": confirmed_server,
        "lost": sorted(set(lost)),
        "duplicates": duplicates,
        "state_superseded_by_reply": superseded,
    }


def _patched_fields(body: dict[str, Any]) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    if "state" in body:
        out.append(("state", body["state"]))
    if "assignee_id" in body:
        out.append(("assignee_id", body["assignee_id"]))
    for custom in body.get("custom_fields") or []:
        if custom.get("slug") == "priority":
            out.append(("priority", custom.get("value")))
    return out


def _patched_field(action: Move | SetPriority | Assign) -> tuple[str, object]:
    """The field a PATCH carries for this action, and the value the action asked for."""
    match action:
        case Move():
            return ("state", action.state)
        case SetPriority():
            return ("priority", action.priority)
        case Assign():
            return ("assignee_id", action.user_id)


def _field(issue: dict[str, Any], name: str) -> Any:
    if name == "priority":
        return (issue.get("custom_fields") or {}).get("priority", {}).get("value")
    if name == "assignee_id":
        return (issue.get("assignee") or {}).get("id")
    return issue.get(name)


def report(n: int, result: SoakResult, prefix: str = "soak") -> None:
    hits, records = result.hits, result.records
    per_endpoint = Counter(endpoint(h) for h in hits)
    too_many = [h for h in hits if h.status == 429]
    emit(
        f"{prefix}_requests_total",
        n,
        len(hits),
        "requests",
        None,
        info={
            "people": PEOPLE,
            "budget": result.budget,
            "fake_hours": 1,
            "real_s": round(result.real_s, 1),
            "per_endpoint": dict(sorted(per_endpoint.items())),
        },
    )
    emit(
        f"{prefix}_429_count",
        n,
        len(too_many),
        "responses",
        0,
        equal=True,
        info={"per_endpoint": dict(Counter(endpoint(h) for h in too_many))},
    )
    peak = _peak_per_minute(hits)
    emit(
        f"{prefix}_org_peak_per_minute",
        n,
        max((v for k, v in peak.items() if k in ORG_LIMITS), default=0),
        "requests/min",
        None,
        info={
            "peaks": peak,
            "org_limits": ORG_LIMITS,
            "note": "busiest sliding minute per sandbox limiter key, all 5 people together",
        },
    )
    attempted = Counter(r.action.kind.value for r in records.values())
    confirmed = Counter(r.action.kind.value for r in records.values() if r.outcome == "confirmed")
    refused = sum(r.outcome == "refused" for r in records.values())
    queued = sum(r.outcome == "queued" for r in records.values())
    checks = result.checks
    emit(
        f"{prefix}_actions_confirmed",
        n,
        sum(confirmed.values()),
        "actions",
        None,
        info={
            "attempted": sum(attempted.values()),
            "attempted_by_kind": dict(attempted),
            "confirmed_by_kind": dict(confirmed),
            "confirmed_on_server": checks["confirmed_on_server"],
            "refused": refused,
            "still_queued": queued,
            "conflicts_kept_mine": sum(p.conflicts for p in result.people),
            "state_superseded_by_reply": checks["state_superseded_by_reply"],
            "settle_s": round(result.settle_s, 1),
        },
    )
    lost = len(checks["lost"]) + max(0, queued)
    emit(
        f"{prefix}_actions_lost",
        n,
        lost,
        "actions",
        0,
        equal=True,
        info={"keys": checks["lost"][:10]},
    )
    emit(
        f"{prefix}_duplicates",
        n,
        len(checks["duplicates"]),
        "actions",
        0,
        equal=True,
        info={"keys": checks["duplicates"][:10]},
    )
    waits = [r.confirmed_at - r.begun for r in records.values() if r.confirmed_at is not None]
    waits.sort()
    emit(
        f"{prefix}_max_queue_wait_s",
        n,
        max(waits, default=0.0),
        "s",
        None,
        info={
            "p50_s": round(waits[len(waits) // 2], 2) if waits else None,
            "p95_s": round(waits[int(len(waits) * 0.95)], 2) if waits else None,
            "note": "fake seconds from begin (on disk, on the board) to confirmed by the server",
        },
    )
    emit(
        f"{prefix}_refresh_errors",
        n,
        sum(p.refresh_errors for p in result.people),
        "refreshes",
        None,
        info={"refreshes": sum(p.refreshes for p in result.people)},
    )


def _peak_per_minute(hits: list[Hit]) -> dict[str, int]:
    keys = {
        "PATCH /issues/{id}": "patch",
        "POST /issues/search": "search",
        "POST /issues/{id}/reply": "reply",
        "POST /issues/{id}/note": "note",
        "GET /issues/{id}/messages": "messages",
        "GET /issues/{id}": "get",
        "POST /issues/{id}/external-issues": "external-issues",
        "GET /issue-statuses": "issue-statuses",
    }
    times: dict[str, list[float]] = {}
    for hit in hits:
        key = keys.get(endpoint(hit))
        if key is not None and hit.status != 429:
            times.setdefault(key, []).append(hit.at)
    peaks: dict[str, int] = {}
    for key, stamps in times.items():
        best, left = 0, 0
        for right, stamp in enumerate(stamps):
            while stamp - stamps[left] >= 60.0:
                left += 1
            best = max(best, right - left + 1)
        peaks[key] = best
    return peaks

"""Deterministic demo data, relative to the sandbox clock.

The first 80 tickets follow a fixed schedule (interleaved so any prefix still shows every
column); beyond that tickets are drawn by weight, which is how the 10k benchmark board is built.
Everything goes in with executemany inside one transaction so 10k tickets seed in about a second.
"""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import datetime, timedelta
from typing import Any

from ..linear import extras
from ..util import github_url, iso, iso_ms, linear_url, rng_uuid
from . import content as C

DEFAULT_SEED = 20240601
SCHEDULE: list[tuple[str, int]] = [
    ("new", 12),
    ("waiting_on_you", 18),
    ("waiting_on_customer", 12),
    ("on_hold", 10),
    ("investigating", 3),
    ("pending_release", 2),
    ("closed_recent", 12),
    ("closed_old", 11),
]
WEIGHTS: dict[str, int] = {
    "new": 8,
    "waiting_on_you": 15,
    "waiting_on_customer": 15,
    "on_hold": 8,
    "investigating": 2,
    "pending_release": 1,
    "closed_recent": 15,
    "closed_old": 36,
}
# The first on-hold tickets tell the demo story: ENG-12 is open (close it to see auto-return),
# ENG-13 is already done, and two also wait on GitHub acme/widgets/123.
FORCED_ON_HOLD: list[tuple[int, str | None]] = [
    (0, None),
    (1, None),
    (2, "acme/widgets/123"),
    (3, "acme/widgets/123"),
]
SLA_HOURS = {"urgent": 4, "high": 24, "medium": 72, "low": 120, None: 72}
PRIORITIES: list[str | None] = [
    "urgent",
    "high",
    "high",
    "medium",
    "medium",
    "medium",
    "low",
    None,
    None,
]


def _schedule(n: int, rng: random.Random) -> list[str]:
    remaining = dict(SCHEDULE)
    kinds: list[str] = []
    while any(remaining.values()):
        for kind, _ in SCHEDULE:
            if remaining[kind]:
                kinds.append(kind)
                remaining[kind] -= 1
    names, weights = zip(*WEIGHTS.items(), strict=True)
    while len(kinds) < n:
        kinds.append(rng.choices(names, weights)[0])
    return kinds[:n]


def _between(rng: random.Random, now: datetime, lo: timedelta, hi: timedelta) -> datetime:
    span = (hi - lo).total_seconds()
    return now - lo - timedelta(seconds=rng.random() * span)


class Seeder:
    """Builds every row in memory, then writes each table with one executemany."""

    def __init__(self, conn: sqlite3.Connection, now: datetime, seed: int) -> None:
        self.conn = conn
        self.now = now
        self.rng = random.Random(seed)
        self.users: list[tuple[str, str, str]] = []
        self.teams: list[str] = []
        self.accounts: list[dict[str, Any]] = []
        self.linear: dict[str, tuple[str, str]] = {}  # identifier -> (uuid, url)

    def run(self, n_tickets: int) -> None:
        self._org()
        self._linear()
        self._github()
        self._tickets(n_tickets)
        self._current_api()
        extras.seed_extras(self.conn)  # no randomness: every ticket above is as it was

    def _current_api(self) -> None:
        """What the current API has and the snapshot did not (issue 18), seeded last so every
        earlier row (and so every screenshot) stays as it was: a teammate who left (a
        deactivated user, assigned nothing: GET /users hides them), followers (the assignee
        and the requester of each ticket) and a ticket form on every tenth ticket."""
        role = self.conn.execute("SELECT role_id FROM users LIMIT 1").fetchone()
        gone = (
            rng_uuid(self.rng),
            C.DEACTIVATED_USER[0],
            f"{C.DEACTIVATED_USER[1]}@{C.SUPPORT_DOMAIN}",
        )
        self.conn.execute("INSERT INTO users VALUES (?,?,?,?)", (*gone, role[0] if role else ""))
        self.conn.execute("INSERT INTO deactivated_users VALUES (?)", (gone[0],))
        self.conn.execute(
            "INSERT INTO issue_followers SELECT id, assignee_id, NULL FROM issues"
            " WHERE assignee_id IS NOT NULL"
        )
        self.conn.execute(
            "INSERT INTO issue_followers SELECT id, NULL, requester_id FROM issues"
            " WHERE requester_id IS NOT NULL"
        )
        self.conn.execute(
            "INSERT INTO issue_forms SELECT id, ? FROM issues WHERE number % 10 = 0",
            (C.TICKET_FORM_ID,),
        )

    def _org(self) -> None:
        rng, now = self.rng, self.now
        role_id = rng_uuid(rng)
        self.conn.execute("INSERT INTO meta VALUES ('org_id', ?)", (rng_uuid(rng),))
        for name, local in C.USERS:
            self.users.append((rng_uuid(rng), name, f"{local}@{C.SUPPORT_DOMAIN}"))
        self.conn.executemany(
            "INSERT INTO users VALUES (?,?,?,?)", [(*u, role_id) for u in self.users]
        )
        team_rows = []
        for name, members in C.TEAMS:
            team_id = rng_uuid(rng)
            self.teams.append(team_id)
            team_rows.append((team_id, name, json.dumps([self.users[i][0] for i in members])))
        self.conn.executemany("INSERT INTO teams VALUES (?,?,?)", team_rows)
        acc_rows, contact_rows = [], []
        for idx, (name, domain, contacts) in enumerate(C.ACCOUNTS):
            acc_id = rng_uuid(rng)
            created = iso(_between(rng, now, timedelta(days=200), timedelta(days=900)))
            tier = ["enterprise", "growth", "startup"][idx % 3]
            people = []
            for cname, local in contacts:
                cid = rng_uuid(rng)
                people.append((cid, cname, f"{local}@{domain}"))
                contact_rows.append((cid, cname, f"{local}@{domain}", acc_id))
            self.accounts.append(
                {
                    "id": acc_id,
                    "domain": domain,
                    "contacts": people,
                    "channel": f"C0{rng.getrandbits(40):010X}",
                }
            )
            acc_rows.append(
                (
                    acc_id,
                    name,
                    domain,
                    f"sf-{1000 + idx}",
                    rng.choice(self.users)[0],
                    self.accounts[-1]["channel"],
                    json.dumps([tier]),
                    created,
                    created,
                )
            )
        self.conn.executemany("INSERT INTO accounts VALUES (?,?,?,?,?,?,?,?,?)", acc_rows)
        self.conn.executemany("INSERT INTO contacts VALUES (?,?,?,?)", contact_rows)

    def _linear(self) -> None:
        rng, now = self.rng, self.now
        team_ids: dict[str, str] = {}
        states: dict[tuple[str, str], tuple[str, str]] = {}
        state_rows = []
        for key, _name in C.LINEAR_TEAMS:
            team_ids[key] = rng_uuid(rng)
            for pos, (sname, stype, color) in enumerate(C.LINEAR_STATES):
                sid = rng_uuid(rng)
                states[(key, sname)] = (sid, stype)
                state_rows.append((sid, team_ids[key], sname, stype, color, float(pos)))
        created_team = iso_ms(now - timedelta(days=400))
        self.conn.executemany(
            "INSERT INTO linear_teams VALUES (?,?,?,?)",
            [(team_ids[k], k, n, created_team) for k, n in C.LINEAR_TEAMS],
        )
        self.conn.executemany("INSERT INTO linear_states VALUES (?,?,?,?,?,?)", state_rows)
        counters: dict[str, int] = {}
        rows = []
        for key, title, sname, priority in C.LINEAR_ISSUES:
            counters[key] = counters.get(key, 0) + 1
            ident = f"{key}-{counters[key]}"
            uid = rng_uuid(rng)
            sid, stype = states[(key, sname)]
            created = _between(rng, now, timedelta(days=10), timedelta(days=70))
            updated = created + (now - created) * rng.uniform(0.3, 0.95)
            started = iso_ms(created + (updated - created) / 2) if stype != "backlog" else None
            done = iso_ms(updated) if stype == "completed" else None
            canceled = iso_ms(updated) if stype in ("canceled", "duplicate") else None
            desc = f"Reported by customers via support.\n\n{title}."
            rows.append(
                (
                    uid,
                    team_ids[key],
                    counters[key],
                    ident,
                    title,
                    desc,
                    sid,
                    priority,
                    iso_ms(created),
                    iso_ms(updated),
                    started,
                    done,
                    canceled,
                )
            )
            self.linear[ident] = (uid, linear_url(ident, title))
        self.conn.executemany("INSERT INTO linear_issues VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)

    def _github(self) -> None:
        stamp = iso(self.now - timedelta(days=3))
        self.conn.executemany(
            "INSERT INTO github_issues VALUES (?,?,?,?)",
            [(key, title, state, stamp) for key, title, state in C.GITHUB_ISSUES],
        )

    def _tickets(self, n: int) -> None:
        rng = self.rng
        linked = [t for t in C.TEMPLATES if t.linear]
        tickets: list[list[Any]] = []
        messages: list[tuple[Any, ...]] = []
        seen: dict[str, int] = {}
        for i, kind in enumerate(_schedule(n, rng)):
            nth = seen.get(kind, 0)
            seen[kind] = nth + 1
            github = None
            if kind == "on_hold" and nth < len(FORCED_ON_HOLD):
                tmpl_idx, github = FORCED_ON_HOLD[nth]
                tmpl = C.TEMPLATES[tmpl_idx]
            elif kind in ("on_hold", "pending_release"):
                tmpl = rng.choice(linked)
            elif kind == "new" and nth == 0:
                tmpl = C.MARKUP_TEMPLATE
            elif kind == "waiting_on_you" and nth == 0:
                tmpl = C.ESCAPE_TEMPLATE
            else:
                tmpl = rng.choice(C.TEMPLATES)
            row, msgs = self._ticket(i, kind, tmpl, github)
            tickets.append(row)
            messages.extend(msgs)
        tickets.sort(key=lambda r: (r[7], r[0]))
        for number, row in enumerate(tickets, start=1):
            row[1] = number
        self.conn.executemany(
            "INSERT INTO issues VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", tickets
        )
        self.conn.executemany("INSERT INTO messages VALUES (?,?,?,?,?,?,?,?,?,?,?)", messages)

    def _ticket(
        self, i: int, kind: str, tmpl: C.Template, github: str | None
    ) -> tuple[list[Any], list[tuple[Any, ...]]]:
        rng, now = self.rng, self.now
        acc = rng.choice(self.accounts)
        contact = rng.choice(acc["contacts"])
        state = "closed" if kind.startswith("closed") else kind
        on_hold_like = kind in ("on_hold", "pending_release")
        hour = timedelta(hours=1)
        day = timedelta(days=1)
        created = {
            "new": lambda: _between(rng, now, timedelta(minutes=5), 8 * hour),
            "waiting_on_you": lambda: _between(rng, now, 2 * hour, 6 * day),
            "investigating": lambda: _between(rng, now, 6 * hour, 5 * day),
            "waiting_on_customer": lambda: _between(rng, now, day, 12 * day),
            "on_hold": lambda: _between(rng, now, 2 * day, 30 * day),
            "pending_release": lambda: _between(rng, now, 2 * day, 20 * day),
            "closed_recent": lambda: _between(rng, now, 2 * day, 20 * day),
            "closed_old": lambda: _between(rng, now, 20 * day, 120 * day),
        }[kind]()
        tid = rng_uuid(rng)
        thread = rng_uuid(rng)
        agent = rng.choice(self.users)
        msgs: list[tuple[Any, ...]] = []

        def msg(at: datetime, html: str, *, by_agent: bool, private: bool = False) -> None:
            author: tuple[str | None, ...]
            if by_agent:
                author = (agent[1], agent[0], None, agent[2])
            else:
                author = (contact[1], None, contact[0], contact[2])
            msgs.append(
                (
                    rng_uuid(rng),
                    tid,
                    iso(at),
                    int(private),
                    html,
                    "slack",
                    *author,
                    thread if private else None,
                )
            )

        first = contact[1].split()[0]
        msg(created, f"<p>{tmpl.body}</p>", by_agent=False)
        t = created
        first_response: datetime | None = None
        if kind != "new" and not (kind == "waiting_on_you" and rng.random() < 0.3):
            t = t + timedelta(minutes=rng.uniform(5, 180))
            first_response = t
            reply = rng.choice(C.AGENT_REPLIES[:3] if state != "closed" else C.AGENT_REPLIES)
            msg(t, reply.format(first=first), by_agent=True)
        if kind in ("waiting_on_you", "investigating") and first_response is not None:
            t = t + (now - t) * rng.uniform(0.2, 0.9)
            msg(t, rng.choice(C.CUSTOMER_FOLLOWUPS).format(domain=acc["domain"]), by_agent=False)
        if on_hold_like or kind == "investigating" or rng.random() < 0.15:
            if state == "closed":  # keep notes before the resolution of closed tickets
                note_at = t + timedelta(minutes=rng.uniform(10, 360))
            else:
                note_at = t + (now - t) * rng.uniform(0.05, 0.5)
            msg(note_at, rng.choice(C.INTERNAL_NOTES), by_agent=True, private=True)
            t = max(t, note_at)
        resolved: datetime | None = None
        if kind == "closed_recent":
            resolved = max(t + hour, _between(rng, now, hour, timedelta(days=6, hours=12)))
        elif kind == "closed_old":
            resolved = min(t + timedelta(days=rng.uniform(1, 15)), now - 8 * day)
            resolved = max(resolved, t + hour)
        latest = max(m[2] for m in msgs if not m[3])
        updated = iso(resolved) if resolved else iso(t + timedelta(minutes=rng.uniform(0, 5)))
        updated = min(updated, iso(now))
        priority = rng.choice(PRIORITIES)
        links: list[dict[str, str]] = []
        if tmpl.linear and (on_hold_like or (kind != "new" and rng.random() < 0.3)):
            uid, url = self.linear[tmpl.linear]
            links.append({"source": "linear", "external_id": uid, "link": url})
        if github:
            links.append({"source": "github", "external_id": github, "link": github_url(github)})
        custom: dict[str, str] = {"product_area": tmpl.area}
        if priority:
            custom["priority"] = priority
        unassigned = rng.random() < (0.8 if kind == "new" else 0.15)
        escalated = on_hold_like or kind == "investigating"
        title = tmpl.title
        if i >= 80 and rng.random() < 0.5:
            title = f"{title} ({acc['contacts'][0][1].split()[0]}'s team)"
        breach = None
        if state != "closed":
            breach = iso(sla_breach(tid, created, now, priority))
        row = [
            tid,
            0,
            title,
            f"<p>{tmpl.body}</p>",
            state,
            "conversation",
            "slack",
            iso(created),
            max(updated, latest),
            acc["id"],
            contact[0],
            None if unassigned else agent[0],
            self.teams[1 if escalated else 0],
            json.dumps(list(tmpl.tags)),
            json.dumps(custom),
            json.dumps(links),
            latest,
            iso(first_response) if first_response else None,
            iso(resolved) if resolved else None,
            breach,
            acc["channel"],
            f"{int(created.timestamp())}.{rng.randrange(10**6):06d}",
            len(msgs),
        ]
        return row, msgs


def sla_breach(tid: str, created: datetime, now: datetime, priority: str | None) -> datetime:
    """When the resolution SLA breaches: the policy's hours from creation, unless that is
    long past, when the ticket is given a deadline around now as if its clock had paused
    (Pylon pauses it while waiting on the customer). So the board shows every kind of
    countdown: some breached, some within the hour or four, most later. Its own RNG keyed
    on the ticket: the main one's sequence (every other seeded value) is unchanged."""
    due = created + timedelta(hours=SLA_HOURS[priority])
    if due > now - timedelta(hours=6):
        return due
    rng = random.Random(f"sla:{tid}")
    roll = rng.random()
    if roll < 0.2:
        return now - timedelta(minutes=rng.uniform(5, 36 * 60))  # breached
    if roll < 0.35:
        return now + timedelta(minutes=rng.uniform(5, 60))  # within the hour
    if roll < 0.55:
        return now + timedelta(minutes=rng.uniform(60, 240))  # within four hours
    return now + timedelta(hours=rng.uniform(4, 96))


def seed(conn: sqlite3.Connection, n_tickets: int, now: datetime, seed: int = DEFAULT_SEED) -> None:
    Seeder(conn, now, seed).run(n_tickets)

"""One rate budget for every pylon-tui process on this machine, kept in a file.

Pylon counts requests per organization, so two boards in two terminals, a `pylon-tui list`
in a script and a `move` from a third window all spend one allowance. Processes that each
counted only themselves would together offer N times the limit and earn 429s. So the
sliding windows live in a small SQLite file in the state directory: taking a slot is one
short write transaction (SQLite's own file locks make it atomic across processes), and the
waiting happens outside it, in asyncio, so no process blocks its event loop on another.

A file that cannot be used (read-only disk, no permission, a damaged file that cannot be
replaced) never stops the client: the budget falls back to counting this process only and
says so in `note`. A lock held far longer than a claim takes (a stopped or hung process) is
stale: this process stops waiting for it and counts on its own for a while, then tries the
file again. A process that died mid-claim holds nothing: the OS drops its locks and SQLite
rolls its half-written claim back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import sqlite3
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

from .budget import WINDOW_SECONDS, Clock, RateBudget, Sleep
from .waits import MAX_WAIT

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())  # a library logs; the app decides whether anyone reads it

LOCK_TIMEOUT = 2.0
"""A claim holds the lock for well under a millisecond: one held this long is stale."""
STALE_PAUSE = 30.0
"""After a stale lock, count in-process this long before trying the file again."""
POLL = 0.005
"""How often a process waiting for the lock looks again (jittered)."""
OPEN_WAIT = 0.25
"""How long opening may block on another process's lock (once per process)."""
FILE_MODE = 0o600
DIR_MODE = 0o700

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sent (key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS sent_by_key ON sent (key, at);
CREATE TABLE IF NOT EXISTS blocked (key TEXT PRIMARY KEY, until REAL NOT NULL);
"""
_BUSY = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


class _Busy(Exception):
    """Another process holds the file's write lock right now."""


def _is_busy(error: sqlite3.Error) -> bool:
    return getattr(error, "sqlite_errorcode", None) in _BUSY


class MachineBudget(RateBudget):
    """Per-endpoint sliding windows shared through `path` by every process that opens it.

    `limits` are what this machine may spend (the org's limits times `rate_share`); the
    headroom is kept back as in RateBudget. Timestamps are wall-clock seconds, the one clock
    every process on the machine reads alike."""

    def __init__(
        self,
        path: Path,
        limits: Mapping[str, int] | None = None,
        *,
        headroom: float = 0.1,
        window: float = WINDOW_SECONDS,
        clock: Clock = time.time,
        sleep: Sleep = asyncio.sleep,
        lock_timeout: float = LOCK_TIMEOUT,
    ) -> None:
        super().__init__(limits, headroom=headroom, window=window, clock=clock, sleep=sleep)
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self.note: str | None = None
        """Why this process counts only itself (None while the file is shared)."""
        self.last_stamp: float | None = None
        """The window stamp of the last slot taken from the file (tests, the soak)."""
        self._db: sqlite3.Connection | None = None
        self._failed = False
        self._file_again_at = 0.0

    # ------------------------------------------------------------------ the file

    def open(self) -> str | None:
        """Open (or create) the file now rather than at the first request; returns `note`.
        Opening twice is harmless; a file that failed is not tried again."""
        if self._db is None and not self._failed:
            try:
                self._db = _connect(self.path)
            except _Busy:
                self._stale_lock()
            except (OSError, sqlite3.Error) as error:
                self._give_up(error)
        return self.note

    @property
    def machine_wide(self) -> bool:
        """Whether requests are counted in the shared file (False after a fallback)."""
        self.open()
        return self._db is not None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def _ready(self) -> sqlite3.Connection | None:
        if self._clock() < self._file_again_at:
            return None
        self.open()
        return self._db

    def _give_up(self, error: BaseException) -> None:
        self.close()
        self._failed = True
        reason = str(error) or type(error).__name__
        self.note = (
            f"the rate budget shared by pylon-tui processes on this machine is unavailable "
            f"({reason}; {self.path}): this process counts only its own requests"
        )
        log.warning("%s", self.note)

    def _stale_lock(self) -> None:
        self._file_again_at = self._clock() + STALE_PAUSE
        log.warning(
            "the shared rate budget %s has been locked for over %.0fs (a hung process?): "
            "counting in this process for %.0fs",
            self.path,
            self.lock_timeout,
            STALE_PAUSE,
        )

    # ------------------------------------------------------------------ RateBudget

    def delay(self, key: str) -> float:
        db = self._ready()
        if db is None:
            return super().delay(key)
        try:
            return self._wait(db, key, self._clock(), prune=False)
        except sqlite3.Error as error:
            self._give_up(error)
            return super().delay(key)

    def used(self, key: str) -> int:
        db = self._ready()
        if db is None:
            return super().used(key)
        try:
            row = db.execute(
                "SELECT count(*) FROM sent WHERE key = ? AND at > ?",
                (key, self._clock() - self.window),
            ).fetchone()
        except sqlite3.Error as error:
            self._give_up(error)
            return super().used(key)
        return int(row[0])

    async def acquire(self, key: str) -> float:
        """Wait for a slot in the machine's window, then claim it. Returns seconds waited."""
        waited = 0.0
        busy_since: float | None = None
        while (db := self._ready()) is not None:
            try:
                wait = self._claim(db, key)
            except _Busy:
                now = self._clock()
                busy_since = now if busy_since is None else busy_since
                if now - busy_since >= self.lock_timeout:
                    self._stale_lock()
                    break
                wait = POLL * (1.0 + random.random())  # jitter: waiters don't wake in step
            except sqlite3.Error as error:
                self._give_up(error)
                break
            else:
                busy_since = None
                if wait <= 0.0:
                    return waited
            await self._sleep(wait)
            waited += wait
        return waited + await super().acquire(key)

    def penalise(self, key: str, retry_after: float | None) -> None:
        """Hold `key` off in this process and, through the file, in every other one: a 429
        means the org's allowance is spent, whoever spent it."""
        super().penalise(key, retry_after)
        db = self._ready()
        until = self._blocked_until.get(key)
        if db is None or until is None:
            return
        for _ in range(20):  # a claim is sub-millisecond; past ~20 ms this process's hold will do
            try:
                with _transaction(db):
                    db.execute(
                        "INSERT INTO blocked VALUES (?, ?) ON CONFLICT (key)"
                        " DO UPDATE SET until = max(until, excluded.until)",
                        (key, until),
                    )
                return
            except _Busy:
                time.sleep(0.001)
            except sqlite3.Error as error:
                self._give_up(error)
                return

    # ------------------------------------------------------------------ claims

    def _claim(self, db: sqlite3.Connection, key: str) -> float:
        """One transaction: forget stamps that left the window, then take a slot if one is
        free. Returns 0.0 when a slot was taken, else the seconds until one may be."""
        with _transaction(db):
            now = self._clock()
            wait = self._wait(db, key, now, prune=True)
            if wait <= 0.0:
                db.execute("INSERT INTO sent VALUES (?, ?)", (key, now))
                self.last_stamp = now
        return wait

    def _wait(self, db: sqlite3.Connection, key: str, now: float, *, prune: bool) -> float:
        start = now - self.window
        if prune:
            # Stamps further ahead than a window come from a clock that was set back: they
            # would hold the endpoint for as long as the jump, so they are dropped.
            db.execute(
                "DELETE FROM sent WHERE key = ? AND (at <= ? OR at > ?)",
                (key, start, now + self.window),
            )
            db.execute("DELETE FROM blocked WHERE until <= ? OR until > ?", (now, now + MAX_WAIT))
        count, oldest = db.execute(
            "SELECT count(*), min(at) FROM sent WHERE key = ? AND at > ?", (key, start)
        ).fetchone()
        row = db.execute("SELECT until FROM blocked WHERE key = ?", (key,)).fetchone()
        blocked = max(row[0] if row else 0.0, self._blocked_until.get(key, 0.0))
        wait = blocked - now if blocked - now <= MAX_WAIT else 0.0
        if count >= self.capacity(key):
            wait = max(wait, oldest + self.window - now)
        return min(MAX_WAIT, max(0.0, wait))


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT, with "someone else holds the lock" as _Busy (never a
    failure) and anything else rolled back and raised."""
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if _is_busy(error):
            raise _Busy from None
        raise
    try:
        yield
        db.execute("COMMIT")
    except BaseException as error:
        if db.in_transaction:
            db.execute("ROLLBACK")
        if isinstance(error, sqlite3.OperationalError) and _is_busy(error):
            raise _Busy from None
        raise


def _connect(path: Path) -> sqlite3.Connection:
    """The budget file, created owner-only; a file that is not a database (damaged) is
    replaced once, since all it held was the last minute's counts."""
    path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    try:
        return _prepare(path)
    except sqlite3.DatabaseError as error:
        if isinstance(error, sqlite3.OperationalError):
            raise  # cannot open or write (permissions, read-only disk): not damage
        log.warning("replacing the damaged rate budget file %s (%s)", path, error)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return _prepare(path)


def _prepare(path: Path) -> sqlite3.Connection:
    # Any thread may call (a client built on one thread, run on another); each call is
    # complete on its own and SQLite serializes the connection.
    db = sqlite3.connect(path, timeout=OPEN_WAIT, isolation_level=None, check_same_thread=False)
    try:
        db.execute("PRAGMA journal_mode=WAL")  # readers never hold up a claim
        db.execute("PRAGMA synchronous=OFF")  # the last minute's counts need not survive a crash
        db.executescript(_SCHEMA)
        with _transaction(db):  # proves the file is writable now, not at the first request
            db.execute("DELETE FROM blocked WHERE until < 0")
        db.execute("PRAGMA busy_timeout = 0")  # from here on, waiting is asyncio's job
    except BaseException as error:
        db.close()
        if isinstance(error, sqlite3.OperationalError) and _is_busy(error):
            raise _Busy from None
        raise
    with contextlib.suppress(OSError):  # someone else's file we may still use: fine
        path.chmod(FILE_MODE)
    return db

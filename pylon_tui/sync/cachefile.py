"""What can go wrong with the cache file itself, in words the user can act on.

Two different troubles, handled differently:
- unreadable (corrupt, a newer schema, a directory in its place): the file is moved aside,
  never deleted, and a fresh one started;
- unwritable (disk full, read-only, I/O error): nothing is moved; the board keeps working
  from memory and refuses new changes until the disk takes writes again.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from datetime import datetime
from pathlib import Path

SIDECARS = ("-wal", "-shm")


class StoreCorrupt(Exception):
    """Carries the refused connection: it must close only after its files were moved aside,
    because closing makes SQLite delete a -wal it could not use (the last committed rows)."""

    def __init__(
        self, message: str, db: sqlite3.Connection | None = None, *, queue_lost: bool = False
    ) -> None:
        super().__init__(message)
        self.db = db
        self.queue_lost = queue_lost
        """The outbox itself could not be read: the user must hear that queued changes
        were not sent (they stay in the file moved aside)."""


class StoreUnavailable(OSError):
    """The cache cannot be written (or read) right now. An OSError, so every caller that
    already reports file-system trouble as one line reports this one too."""

    def __init__(
        self, reason: str, fix: str, path: Path | None = None, *, healed: bool = False
    ) -> None:
        super().__init__(errno.EIO, reason, str(path) if path else None)
        self.reason = reason
        self.fix = fix
        self.healed = healed
        """The file was damaged and has been replaced by a fresh one: try the write again."""

    def __str__(self) -> str:
        return f"{self.reason} — {self.fix}" if self.fix else self.reason


DISK_TROUBLE = ("readonly", "read-only", "full", "disk i/o", "unable to open", "locked", "busy")
DISK_CODES = (
    "SQLITE_FULL",
    "SQLITE_READONLY",
    "SQLITE_IOERR",
    "SQLITE_CANTOPEN",
    "SQLITE_PERM",
    "SQLITE_BUSY",
    "SQLITE_LOCKED",
)


def is_disk_trouble(error: sqlite3.Error) -> bool:
    """At open: the disk or permissions are the problem, not the file's contents."""
    name = getattr(error, "sqlite_errorname", None)
    if isinstance(name, str) and name.startswith("SQLITE_"):
        return name.startswith(DISK_CODES)
    text = str(error).lower()  # raised by sqlite3 itself, without a result code
    return any(word in text for word in DISK_TROUBLE) or "permission" in text


def is_corruption(error: BaseException) -> bool:
    """The file's contents are damaged (found by a write that the open-time check passed)."""
    name = getattr(error, "sqlite_errorname", "")
    return isinstance(name, str) and name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))


def is_unavailable(error: BaseException) -> bool:
    """A disk or permission problem, as opposed to a bug (a constraint, a closed handle)."""
    if isinstance(error, OSError | sqlite3.OperationalError | sqlite3.InternalError):
        return True
    return type(error) is sqlite3.DatabaseError  # e.g. "disk image is malformed" mid-run


def unavailable(error: BaseException, path: Path | None) -> StoreUnavailable:
    """Name the cause and the fix: a full disk, a read-only file or directory, a failing one."""
    text = str(error).lower()
    where = str(path) if path is not None else "the local cache"
    folder = str(path.parent) if path is not None else "its folder"
    if "full" in text or getattr(error, "errno", None) == errno.ENOSPC:
        reason = f"the disk holding {where} is full"
        fix = f"free some space on it (see `df -h {folder}`)"
    elif "readonly" in text or "read-only" in text or "permission" in text:
        reason = f"{where} is read-only"
        fix = f"make {folder} and the files in it writable by you"
    elif "unable to open" in text and path is not None and not os.access(path.parent, os.W_OK):
        reason = f"{folder} is read-only, so {where} cannot be created or opened"
        fix = f"make {folder} writable by you"
    elif "unable to open" in text:
        reason = f"{where} cannot be opened"
        fix = f"check that {folder} exists and is writable by you"
    else:
        reason = f"{where} cannot be written ({' '.join(str(error).split())[:120]})"
        fix = "check the disk (see `pylon-tui doctor` for the paths in use)"
    return StoreUnavailable(reason, fix, path)


def move_aside(path: Path) -> Path:
    """Rename the cache (file or whatever sits at its path) and its sidecars, keeping them."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    count = 1
    while aside.exists() or aside.is_symlink():
        count += 1
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{count}")
    if path.exists() or path.is_symlink():
        os.replace(path, aside)
    for suffix in SIDECARS:
        sidecar = path.with_name(path.name + suffix)
        if sidecar.exists():
            os.replace(sidecar, aside.with_name(aside.name + suffix))
    return aside


def moved_note(reason: object, aside: Path, *, queue_lost: bool = False) -> str:
    queue = (
        "Its queued changes could not be read, so they were not sent: they are kept in that file."
        if queue_lost
        else "Queued changes in it were not replayed."
    )
    return (
        f"The local cache was unreadable ({reason}); it was moved to {aside} and a fresh one "
        f"started. {queue}"
    )

"""Metrics 3 and 4: start-up of the real board in a real terminal.

Parent side (`prime_home`, `launch_*`): a throwaway HOME whose XDG dirs hold what a previous
run of `pylon-tui` left behind: the sandbox file (XDG_DATA_HOME/pylon-tui/sandbox.sqlite3,
reseeded with N tickets) and the local cache (bootstrap.cache_path(config), under
XDG_STATE_HOME), filled by one full `BoardService.load()` through the real client. pty_run.py
then starts a board process under a pty with that environment.

Child side (`python -m bench.first_paint ...`), two instrumented modes:

    --cli              the real entry point, `pylon_tui.cli.main([])`, with timing wrappers
                       around Store.open, bootstrap.make_services (marked `build`, as before
                       it was renamed, so old and new reports compare), paint_head,
                       paint_from_cache (after the first frame when a head was painted) and
                       App.run, so the parent can split the cache start-up into phases;
    --db SANDBOX.db    the pre-cache start: no Store, autoload on, the first refresh worker
                       loads the whole board from the in-process sandbox
                       (`first_paint_from_sandbox_s`).

The headline `first_paint_s` is not measured here: pty_run.py execs the installed
`pylon-tui` command itself, uninstrumented.
"""

from __future__ import annotations

import time

STARTED = time.time()

import argparse  # noqa: E402 - the start mark must come first
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

if TYPE_CHECKING:
    from pylon_tui.sandbox import Sandbox

XDG = {
    "XDG_CONFIG_HOME": ".config",
    "XDG_DATA_HOME": ".local/share",
    "XDG_STATE_HOME": ".local/state",
    "XDG_CACHE_HOME": ".cache",
}
RSS_PREFIX = "peak_rss_mb@"  # marks also record the peak RSS (MiB) reached at each mark
BENCH_TOKEN = "pylon_bench_token"  # noqa: S105 - the served sandbox accepts any token; the app needs one
# The board process must never reach the internet (the link watcher's GitHub client would
# try api.github.com when a token is configured): a dead proxy, loopback exempted.
OFFLINE = {
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "HTTP_PROXY": "http://127.0.0.1:9",
    "ALL_PROXY": "http://127.0.0.1:9",
    "NO_PROXY": "127.0.0.1,localhost",
}


def home_env(home: Path) -> dict[str, str]:
    """HOME and every XDG base dir inside `home`: the board sees only the bench's files."""
    env = {"HOME": str(home)}
    env.update({key: str(home / sub) for key, sub in XDG.items()})
    return env


@contextmanager
def environ(values: dict[str, str]) -> Iterator[None]:
    """Temporarily point this process's env (paths.py reads it on each call) at `values`."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def peak_rss_kb(pid: int | str) -> int:
    """VmHWM from /proc: the peak RSS of the process's current image. Unlike ru_maxrss it is
    reset by exec, so a child forked from a big parent (the bench, after the naive board) is
    not charged for the parent's pages it shared before exec. 0 if unavailable."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0 if pid != "self" else int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


class Marks:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.items: dict[str, float] = {"python_started": STARTED}

    def mark(self, name: str) -> None:
        self.items[name] = time.time()
        self.items[f"{RSS_PREFIX}{name}"] = peak_rss_kb("self") / 1024
        if self.path is not None:
            self.path.write_text(json.dumps(self.items))


# ----- parent side: a HOME as a previous run left it ---------------------------------------
def write_served_config(home: Path, port: int) -> None:
    """Config for the app-only variant: the sandbox served by the bench on 127.0.0.1."""
    config = home / XDG["XDG_CONFIG_HOME"] / "pylon-tui" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    config.write_text(f'[pylon]\nbase_url = "http://127.0.0.1:{port}"\n')
    config.chmod(0o600)


def prime_home(
    home: Path, n: int, *, served: tuple[Sandbox, int] | None = None
) -> dict[str, object]:
    """Reseed the sandbox with N tickets and fill the board's cache with one full load.

    Default: the embedded sandbox's file in `home`, loaded in-process. With `served` (a
    Sandbox the bench serves on 127.0.0.1, and its port), the config points the app at that
    port and the token comes from PYLON_API_TOKEN: the load goes over HTTP and fills the cache
    that config's board opens (cache_path hashes the URL and token). Returns what was written.
    """
    import asyncio

    from pylon_tui.bootstrap import cache_path, make_services
    from pylon_tui.config import load_config, paths
    from pylon_tui.sandbox import Sandbox, SandboxTransport
    from pylon_tui.sync.store import Store

    env = home_env(home) | OFFLINE
    if served is not None:
        env |= {"PYLON_API_TOKEN": BENCH_TOKEN}
        write_served_config(home, served[1])
    with environ(env):
        config = load_config(None)
        cache_file = cache_path(config)
        sandbox = served[0] if served is not None else Sandbox(paths.sandbox_db_path())
        store = Store.open(cache_file).store
        try:
            sandbox.reseed(n)
            transport = None if served is not None else SandboxTransport(sandbox)
            services = make_services(config, transport=transport, store=store)

            async def load() -> int:
                try:
                    return await services.service.load()
                finally:
                    await services.aclose()

            cached = asyncio.run(load())
        finally:
            store.close()
            if served is None:
                sandbox.close()
    return {"cache_file": str(cache_file), "cached_tickets": cached}


# ----- child side --------------------------------------------------------------------------
def _timed(marks: Marks, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        marks.mark(f"{name}_started")
        try:
            return fn(*args, **kwargs)
        finally:
            marks.mark(f"{name}_done")

    return wrapper


def run_cli(marks: Marks) -> int:
    """`pylon-tui` (board) through its real entry point, with phase marks."""
    from pylon_tui import bootstrap, cli
    from pylon_tui.cli import commands  # noqa: F401 - loaded before the mark, as it was
    from pylon_tui.sync.service import BoardService
    from pylon_tui.sync.store import Store
    from pylon_tui.tui.app import PylonApp

    marks.mark("imported")
    opener = Store.open
    Store.open = _timed(marks, "store_open", opener)  # type: ignore[method-assign]
    # open_services calls the module's make_services: wrap that name. The mark keeps its old
    # name, `build`, so reports from before and after the rename compare.
    setattr(bootstrap, "make_services", _timed(marks, "build", bootstrap.make_services))  # noqa: B010
    paint = BoardService.paint_from_cache
    BoardService.paint_from_cache = _timed(marks, "paint_from_cache", paint)  # type: ignore[method-assign]
    head = BoardService.paint_head
    BoardService.paint_head = _timed(marks, "paint_head", head)  # type: ignore[method-assign]
    run = PylonApp.run

    def app_run(self: PylonApp, *args: Any, **kwargs: Any) -> Any:
        marks.mark("app_run")
        return run(self, *args, **kwargs)

    setattr(PylonApp, "run", app_run)  # noqa: B010
    return cli.main([])


def run_sandbox_load(marks: Marks, db: Path) -> None:
    """The pre-cache start: the first refresh worker loads the board from the sandbox."""
    from bench.common import BASE_URL, columns
    from pylon_tui.api.budget import RateBudget
    from pylon_tui.api.pylon import PylonClient
    from pylon_tui.bootstrap import make_app, services_for
    from pylon_tui.sandbox import Sandbox, SandboxTransport
    from pylon_tui.tui.app import PylonApp  # noqa: F401 - its import counts before the mark

    marks.mark("imported")
    sandbox = Sandbox(db)
    client = PylonClient(
        BASE_URL, None, transport=SandboxTransport(sandbox), budget=RateBudget.unlimited()
    )
    services = services_for(client, columns=columns())
    service = services.service
    original_load = service.load

    async def timed_load() -> int:
        marks.mark("load_started")
        count = await original_load()
        marks.mark("load_done")
        return count

    service.load = timed_load  # type: ignore[method-assign]
    app = make_app(services, refresh_seconds=0, autoload=True)
    marks.mark("app_built")
    try:
        app.run()
    finally:
        sandbox.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--db", type=Path, help="sandbox file: load from it, no cache")
    mode.add_argument("--cli", action="store_true", help="pylon-tui's entry point, from cache")
    parser.add_argument("--marks", type=Path)
    args = parser.parse_args()
    marks = Marks(args.marks)
    if args.cli:
        sys.exit(run_cli(marks))
    run_sandbox_load(marks, args.db)


if __name__ == "__main__":
    main()

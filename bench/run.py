"""pylon-tui performance benchmark (DESIGN.md section 9). Prints one JSON line per figure.

    python bench/run.py --n 10000 --runs 5
    python bench/run.py --n 10000 --soak --skip headless --skip naive --skip pty --skip http

See bench/README.md for what each metric measures and what it includes.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # `python bench/run.py`: make the `bench` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import emit, median, percentile, seeded_db
from bench.first_paint import BENCH_TOKEN, OFFLINE, RSS_PREFIX, home_env, prime_home
from bench.headless import KeySamples, run_headless
from bench.naive import NaiveResult, run_naive
from bench.peer import PEER, peer_metrics
from bench.pty_run import Launch, PtyResult, bench_child, pylon_tui_command, run_pty
from bench.requests_count import count_requests
from bench.soak import report as soak_report
from bench.soak import run_soak
from pylon_tui.sandbox import Sandbox, serve

FRAME_MS = 1000 / 60  # one 60 Hz frame: every key's target (issue 16 item 1)
TARGETS_MS = {
    "focus_down": FRAME_MS,
    "focus_across": FRAME_MS,
    "card_move": FRAME_MS,
    "filter_keystroke": FRAME_MS,
    "open_detail": FRAME_MS,
    "hold_dialog": FRAME_MS,
}
FOCUS_BYTES_TARGET = 1024.0  # per focus move
MOVE_BYTES_TARGET = 2048.0  # per card move
FLOOR_RATIO_TARGET = 1.25  # first paint from cache / the Textual floor
SEARCH_PAGE = 999  # tickets per search page: a full load is ceil(N/999) searches + names
PTY_MOVES = 16  # L/H presses under the pty: within the client's 18 PATCH/min budget
NAIVE_MOUNT_LIMIT_S = 60.0


SANDBOX_RSS_TARGET_MB = 120.0  # sandbox mode (app + in-process emulator), at 10,000
APP_RSS_TARGET_MB = 300.0  # the app alone, up to 100,000 tickets


def first_paint_target(n: int) -> float:
    """From the local cache: 0.5 s up to 10,000 tickets, 1 s at 100,000 (issue 16 item 3)."""
    return 0.5 if n <= 10_000 else 1.0


def _spread(per_run: list[float]) -> dict[str, object]:
    return {"runs_min": round(min(per_run), 3), "runs_max": round(max(per_run), 3)}


def headless(db: Path, n: int, runs: int, presses: int) -> float:
    """Metric 1. Returns the pooled focus_down p95 (for the naive ratio)."""
    per_run = max(1, math.ceil(presses / runs))
    results: list[KeySamples] = [asyncio.run(run_headless(db, per_run)) for _ in range(runs)]
    board = results[0].board_tickets
    focus_p95 = math.nan
    for kind, target in TARGETS_MS.items():
        first = [v for r in results for v in r.first.get(kind, [])]
        last = [v for r in results for v in r.last.get(kind, [])]
        failures = sum(r.failures.get(kind, 0) for r in results)
        info: dict[str, object] = {
            "samples": len(first),
            "board_tickets": board,
            "failures": failures,
            "runs": runs,
        }
        if not first:
            emit(f"{kind}_latency_p95", n, math.nan, "ms", target, info={"error": "no samples"})
            continue
        p95s = [percentile(r.first[kind], 95) for r in results if r.first.get(kind)]
        emit(f"{kind}_latency_median", n, median(first), "ms", None, info=info)
        p95 = percentile(first, 95)
        emit(f"{kind}_latency_p95", n, p95, "ms", target, info=info | _spread(p95s))
        emit(
            f"{kind}_settled_p95",
            n,
            percentile(last, 95),
            "ms",
            None,
            info=info | {"note": "to the key's last frame (layout pass, write worker)"},
        )
        if kind == "focus_down":
            focus_p95 = p95
    wall = [v for r in results for v in r.pilot_wall]
    emit(
        "pilot_press_pause_wall_median",
        n,
        median(wall),
        "ms",
        None,
        info={"samples": len(wall), "note": "press()+pause() wall: mostly wait_for_idle sleeps"},
    )
    emit(
        "headless_start_s",
        n,
        median([r.start_s for r in results]),
        "s",
        None,
        info={"board_tickets": board, "note": "run_test() to settled board, service preloaded"},
    )
    return focus_p95


def naive(db: Path, n: int, presses: int, cap: int, line_api_p95: float, tmp: Path) -> None:
    """Metric 2: the same focus move on a one-Static-per-card board."""
    result: NaiveResult = asyncio.run(run_naive(db, n, presses))
    if result.start_seconds > NAIVE_MOUNT_LIMIT_S and n > cap:
        result = asyncio.run(run_naive(seeded_db(cap, tmp), cap, presses))
    p95 = percentile(result.focus, 95) if result.focus else math.nan
    info: dict[str, object] = {
        "naive_n": result.n,
        "board_tickets": result.board_tickets,
        "samples": len(result.focus),
        "failures": result.failures,
    }
    emit("naive_focus_down_latency_median", n, median(result.focus), "ms", None, info=info)
    emit("naive_focus_down_latency_p95", n, p95, "ms", None, info=info)
    emit(
        "naive_start_s",
        n,
        result.start_seconds,
        "s",
        NAIVE_MOUNT_LIMIT_S,
        info=info | {"note": "run_test() to settled board, one Static per card"},
    )
    emit(
        "naive_over_line_api_focus_p95_ratio",
        n,
        p95 / line_api_p95,
        "x",
        1.0,
        lower_is_better=False,
        info=info | {"note": "naive p95 / line-API p95: above 1 means the line API is faster"},
    )


def _phases(results: list[PtyResult]) -> dict[str, float]:
    """Median over runs of each child mark, in seconds after the fork; plus first card."""
    names = [k for k in results[0].marks if all(k in r.marks for r in results)]
    times = [k for k in names if not k.startswith(RSS_PREFIX)]
    phases = {k: median([r.marks[k] - r.start_wall for r in results]) for k in times}
    phases["first_card_on_pty"] = median([r.first_paint_s for r in results])
    return {k: round(v, 3) for k, v in sorted(phases.items(), key=lambda kv: kv[1])}


def _phase_rss(results: list[PtyResult]) -> dict[str, float]:
    """Peak RSS (MiB) the child had reached at each mark, median over runs."""
    names = [k for k in results[0].marks if all(k in r.marks for r in results)]
    rss = [k for k in names if k.startswith(RSS_PREFIX)]
    return {k[len(RSS_PREFIX) :]: round(median([r.marks[k] for r in results]), 1) for k in rss}


def pty_metrics(db: Path, n: int, runs: int, presses: int, tmp: Path) -> None:
    """Metrics 3 and 4: the real board under a pty, painted from the local cache."""
    # 3a. The installed `pylon-tui`, uninstrumented, as a user starts it the second time.
    home = tmp / "home-cache"
    primed = prime_home(home, n)
    env = home_env(home) | OFFLINE
    real = Launch(pylon_tui_command(), env)
    # The Textual floor, interleaved with the board's starts so both see the same load.
    floor_launch = Launch([sys.executable, "-m", "bench.floor"], env)
    floors: list[float] = []
    cached: list[PtyResult] = []
    for _ in range(runs):
        floors.append(run_pty(floor_launch, 0).first_paint_s)
        cached.append(run_pty(real, 0))
    firsts = [r.first_paint_s for r in cached]
    rss = [r.peak_rss_kb / 1024 for r in cached]
    # The same start through bench.first_paint --cli (the real entry point, timing wrappers).
    marks = tmp / "cli.marks.json"
    traced = [
        run_pty(Launch(bench_child("--cli", marks=marks), env, marks), 0) for _ in range(runs)
    ]
    emit(
        "textual_floor_s",
        n,
        median(floors),
        "s",
        None,
        info={**_spread(floors), "note": "first paint of a one-widget Textual app, same pty"},
    )
    emit(
        "first_paint_over_floor",
        n,
        median(firsts) / median(floors),
        "x",
        FLOOR_RATIO_TARGET if n <= 10_000 else None,
        info={"note": "first_paint_s / textual_floor_s (medians, interleaved runs)"},
    )
    emit(
        "first_paint_s",
        n,
        median(firsts),
        "s",
        first_paint_target(n),
        info={
            "source": "cache",
            "command": " ".join(real.argv),
            "runs": len(firsts),
            **_spread(firsts),
            "cached_tickets": primed["cached_tickets"],
            "phases_s": _phases(traced),
            "phases_runs": len(traced),
            "phases_peak_rss_mb": _phase_rss(traced),
            "note": "fork to first card text on the pty; cache primed by a previous full load",
        },
    )
    emit(
        "peak_rss_mb",
        n,
        median(rss),
        "MiB",
        SANDBOX_RSS_TARGET_MB if n <= 10_000 else None,
        info={
            "source": "cache",
            **_spread(rss),
            "note": "VmHWM of the pty child: app + embedded sandbox (its default config)",
        },
    )
    # 3b. App only: the board points at a sandbox this process serves on 127.0.0.1.
    sandbox = Sandbox(tmp / "served-sandbox.db")
    server = serve(sandbox)
    try:
        port = int(server.server_address[1])
        served_home = tmp / "home-served"
        prime_home(served_home, n, served=(sandbox, port))
        served_env = home_env(served_home) | OFFLINE | {"PYLON_API_TOKEN": BENCH_TOKEN}
        served_launch = Launch(pylon_tui_command(), served_env)
        served_runs = [run_pty(served_launch, 0) for _ in range(runs)]
    finally:
        server.shutdown()
        server.server_close()
        sandbox.close()
    served_firsts = [r.first_paint_s for r in served_runs]
    served_rss = [r.peak_rss_kb / 1024 for r in served_runs]
    emit(
        "first_paint_app_only_s",
        n,
        median(served_firsts),
        "s",
        first_paint_target(n),
        info={
            "source": "cache",
            **_spread(served_firsts),
            "note": "as first_paint_s, app pointed at the sandbox served on 127.0.0.1",
        },
    )
    emit(
        "peak_rss_app_only_mb",
        n,
        median(served_rss),
        "MiB",
        APP_RSS_TARGET_MB,
        info={
            "source": "cache",
            **_spread(served_rss),
            "sandbox_share_mb": round(median(rss) - median(served_rss), 1),
            "note": "VmHWM of the board process alone (sandbox served by the bench)",
        },
    )
    # 3c. Before the cache: first paint after a full load from the in-process sandbox.
    marks = tmp / "sandbox.marks.json"
    loading = Launch(bench_child("--db", str(db), marks=marks), {}, marks)
    from_sandbox = [run_pty(loading, 0) for _ in range(runs)]
    emit(
        "first_paint_from_sandbox_s",
        n,
        median([r.first_paint_s for r in from_sandbox]),
        "s",
        None,
        info={
            "source": "sandbox",
            **_spread([r.first_paint_s for r in from_sandbox]),
            "phases_s": _phases(from_sandbox),
            "phases_peak_rss_mb": _phase_rss(from_sandbox),
            "peak_rss_mb": round(median([r.peak_rss_kb / 1024 for r in from_sandbox]), 1),
            "note": "no cache: fork to first card after a full load from the in-process sandbox",
        },
    )
    # 4. Terminal bytes per key, on the real command from cache (run last: L/H write).
    keyed = run_pty(real, presses, moves=PTY_MOVES)
    for kind, value in keyed.bytes_per_key.items():
        target = FOCUS_BYTES_TARGET if kind.startswith("focus") else MOVE_BYTES_TARGET
        count = min(presses, PTY_MOVES) if kind == "card_move" else presses
        emit(f"terminal_bytes_per_{kind}", n, value, "B", target, info={"presses": count})


def http_requests(db: Path, n: int) -> None:
    """Metric 5: requests per incremental refresh after a full load."""
    counts = asyncio.run(count_requests(db))
    emit(
        "http_requests_per_refresh",
        n,
        counts.refresh,
        "requests",
        1,
        equal=True,
        info={"paths": counts.refresh_paths, "board_tickets": counts.board_tickets},
    )
    searches = sum(1 for path in counts.full_load_paths if path.endswith("/issues/search"))
    emit(
        "http_search_requests_per_full_load",
        n,
        searches,
        "requests",
        math.ceil(max(1, counts.board_tickets) / SEARCH_PAGE),
        equal=True,
        info={"board_tickets": counts.board_tickets, "note": "target: ceil(tickets / 999)"},
    )
    emit(
        "http_requests_per_full_load",
        n,
        counts.full_load,
        "requests",
        None,
        info={"directory_requests": counts.full_load - searches},
    )


def compile_bytecode() -> None:
    """Write pylon-tui's bytecode first, as `pip install .` does at install time. From an
    editable checkout under PYTHONDONTWRITEBYTECODE=1 (CI images, containers, this machine)
    every module changed since its last .pyc would be compiled again at each start, and that
    compiling, not the board, would be measured."""
    import compileall

    import pylon_tui

    compileall.compile_dir(Path(pylon_tui.__file__).parent, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description="pylon-tui performance benchmark")
    parser.add_argument("--n", type=int, default=10_000, help="tickets in the sandbox")
    parser.add_argument("--runs", type=int, default=5, help="headless runs and first-paint runs")
    parser.add_argument("--presses", type=int, default=200, help="headless presses per key")
    parser.add_argument("--pty-presses", type=int, default=50, help="pty presses per key")
    parser.add_argument(
        "--naive-presses",
        type=int,
        help="default: one headless run's presses, so both boards walk the same rows",
    )
    parser.add_argument(
        "--naive-cap",
        type=int,
        default=2_000,
        help=f"N for the naive board if mounting N takes over {NAIVE_MOUNT_LIMIT_S:.0f}s",
    )
    parser.add_argument(
        "--skip", action="append", default=[], choices=["headless", "naive", "pty", "http"]
    )
    parser.add_argument(
        "--soak",
        action="store_true",
        help="also run the fake-hour 5-person soak (plus its --soak-burst variant)",
    )
    parser.add_argument(
        "--soak-burst",
        type=int,
        default=18,
        help="bulk moves per person in the soak's burst variant (0: skip the variant)",
    )
    parser.add_argument(
        "--peer",
        choices=[PEER],
        help="also start the same cards on this peer board (a throwaway venv) and print ratios",
    )
    parser.add_argument(
        "--peer-venv",
        type=Path,
        default=Path(tempfile.gettempdir()) / "pylon-bench-peer-venv",
        help="where the peer is installed (created once, reused)",
    )
    parser.add_argument(
        "--peer-presses", type=int, default=20, help="j presses per peer run (L/H: at most 16)"
    )
    args = parser.parse_args()
    n, runs = args.n, max(1, args.runs)
    started = time.perf_counter()
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="pylon-bench-") as tmp_name:
        tmp = Path(tmp_name)
        db = seeded_db(n, tmp)
        emit(
            "load_average_1m",
            n,
            os.getloadavg()[0],
            "load",
            None,
            info={"cpus": os.cpu_count(), "note": "other work on the machine skews latency"},
        )
        focus_p95 = math.nan
        if "headless" not in args.skip:
            focus_p95 = headless(db, n, runs, args.presses)
        if "naive" not in args.skip:
            naive_presses = args.naive_presses or max(1, math.ceil(args.presses / runs))
            naive(db, n, naive_presses, args.naive_cap, focus_p95, tmp)
        if "pty" not in args.skip:
            pty_metrics(db, n, runs, args.pty_presses, tmp)
        if args.peer:
            peer_metrics(db, n, runs, args.peer_presses, PTY_MOVES, tmp, args.peer_venv)
        if "http" not in args.skip:
            http_requests(db, n)
        if args.soak:
            soak_report(n, run_soak(n))
            if args.soak_burst:
                result = run_soak(n, burst=args.soak_burst)
                soak_report(n, result, f"soak_burst{args.soak_burst}")
    emit("bench_wall_s", n, time.perf_counter() - started, "s", None)


if __name__ == "__main__":
    main()

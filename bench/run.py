"""pylon-tui performance benchmark (DESIGN.md section 9). Prints one JSON line per figure.

    python bench/run.py --n 10000 --runs 5

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
from bench.headless import KeySamples, run_headless
from bench.naive import NaiveResult, run_naive
from bench.pty_run import run_pty
from bench.requests_count import count_requests

TARGETS_MS = {
    "focus_down": 16.0,
    "focus_across": 16.0,
    "card_move": 33.0,
    "filter_keystroke": 50.0,
}
BYTES_TARGET = 2048.0  # per focus move
NAIVE_MOUNT_LIMIT_S = 60.0


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


def pty_metrics(db: Path, n: int, runs: int, presses: int) -> None:
    """Metrics 3 and 4: the real board under a pty."""
    keyed = run_pty(db, presses)
    firsts = [keyed.first_paint_s] + [run_pty(db, 0).first_paint_s for _ in range(runs - 1)]
    phases = {k: round(v - keyed.start_wall, 3) for k, v in keyed.marks.items()}
    emit(
        "first_paint_s",
        n,
        median(firsts),
        "s",
        None,
        info={
            "source": "sandbox",
            "runs": len(firsts),
            **_spread(firsts),
            "phases_s": phases,
            "note": "fork to first card text on the pty; no local cache yet (issue 5)",
        },
    )
    emit(
        "peak_rss_mb",
        n,
        keyed.peak_rss_kb / 1024,
        "MiB",
        None,
        info={"source": "sandbox", "note": "ru_maxrss of the pty child (app + sandbox)"},
    )
    for kind, value in keyed.bytes_per_key.items():
        target = BYTES_TARGET if kind.startswith("focus") else None
        emit(f"terminal_bytes_per_{kind}", n, value, "B", target, info={"presses": presses})


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
    emit("http_requests_per_full_load", n, counts.full_load, "requests", None)


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
    args = parser.parse_args()
    n, runs = args.n, max(1, args.runs)
    started = time.perf_counter()
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
            pty_metrics(db, n, runs, args.pty_presses)
        if "http" not in args.skip:
            http_requests(db, n)
    emit("bench_wall_s", n, time.perf_counter() - started, "s", None)


if __name__ == "__main__":
    main()

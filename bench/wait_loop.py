"""The Python SDK's wait loop, `pulumi.runtime.stack.wait_for_rpcs`, is quadratic in the outputs a program
has outstanding: a minimal reproduction for upstream, and its share of a real program's CPU.

Run: .venv/bin/python bench/wait_loop.py [--outputs 1000,2000,4000,8000] [--engine-sizes 500,1000]

1. Without the engine: M `pulumi.Output`s (tracked in SETTINGS.outputs as every Output is), resolved one at
   a time as an engine's answers arrive, awaited by the SDK's own `wait_for_rpcs()`; then by the same loop
   with `return_when=asyncio.FIRST_EXCEPTION` instead of FIRST_COMPLETED (the one-word change proposed
   upstream). The loop calls `asyncio.wait` on every pending output each time one completes, and
   `asyncio.wait` adds and removes a done-callback on each: O(M) per completion, O(M^2) in all.
2. With the engine (no-op provider, bench/floor/): the program declaring N resources, run by `pulumi up`
   with per-step checkpoints (the engine answers one resource at a time, slowly) and with
   PULUMI_SKIP_CHECKPOINTS=true, its main thread profiled by CPU time; reports the program's CPU and the
   share of the main thread's spent inside `wait_for_rpcs`.

Writes bench/results/wait_loop.json. The SDK is never patched: the alternative loop is a copy in this file.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import json
import math
import pstats
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import stack
from pulumi.runtime.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.engine_floor import SKIP, Project  # noqa: E402


async def wait_first_exception() -> None:
    """`wait_for_rpcs`'s output loop with FIRST_EXCEPTION: one `asyncio.wait` per batch of outputs (or per
    failure, raised at once as before) instead of one per completed output."""
    while True:
        with SETTINGS.lock:
            if len(SETTINGS.outputs) == 0:
                break
            pending: list[asyncio.Task[Any]] = list(SETTINGS.outputs)
            SETTINGS.outputs.clear()
        done, not_done = await asyncio.wait(pending, return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            await task
        if not_done:
            with SETTINGS.lock:
                SETTINGS.outputs.update(not_done)


async def trickle(m: int, waiter: Callable[[], Awaitable[None]]) -> float:
    """CPU-seconds `waiter` spends while M outputs resolve one per event-loop turn."""
    loop = asyncio.get_running_loop()
    values = [loop.create_future() for _ in range(m)]
    outputs = []
    for value in values:
        known, secret = loop.create_future(), loop.create_future()
        known.set_result(True)
        secret.set_result(False)
        outputs.append(pulumi.Output(set(), value, known, secret))

    async def answer() -> None:
        for i, value in enumerate(values):
            value.set_result(i)
            await asyncio.sleep(0)

    answering = asyncio.ensure_future(answer())
    started = time.process_time()
    await waiter()
    spent = time.process_time() - started
    await answering
    if SETTINGS.outputs:
        raise RuntimeError(f"{len(SETTINGS.outputs)} outputs still pending")
    return round(spent, 3)


def exponent(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of log(y) against log(x)."""
    xs = [math.log(x) for x, y in points if y > 0]
    ys = [math.log(y) for x, y in points if y > 0]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return round(
        sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs), 2
    )


def reproduce(sizes: list[int]) -> dict[str, Any]:
    rows: dict[str, Any] = {}
    for m in sizes:
        sdk = asyncio.run(trickle(m, stack.wait_for_rpcs))
        alternative = asyncio.run(trickle(m, wait_first_exception))
        rows[str(m)] = {"sdk_wait_for_rpcs": sdk, "first_exception": alternative}
        print(
            f"  M={m:>6} outputs: SDK loop {sdk:>8} CPU-s, FIRST_EXCEPTION {alternative:>7} CPU-s", flush=True
        )
    for key in ("sdk_wait_for_rpcs", "first_exception"):
        if len(sizes) > 1:
            rows[f"exponent {key}"] = exponent([(int(m), row[key]) for m, row in rows.items() if m.isdigit()])
    return rows


def in_wait(profile: Path) -> tuple[float, float]:
    """(main-thread CPU-seconds in total, of which inside `wait_for_rpcs`: its own frames and what they
    call, the `asyncio.wait` calls and re-adding the pending outputs; not the outputs' own work, which the
    event loop runs outside it)."""
    stats = pstats.Stats(str(profile))
    rows = stats.stats  # type: ignore[attr-defined]
    total = max(row[3] for row in rows.values())
    waiting = sum(
        row[3] for (file, _, name), row in rows.items() if name == "wait_for_rpcs" and "stack" in file
    )
    return round(total, 2), round(waiting, 2)


def in_engine(sizes: list[int]) -> dict[str, Any]:
    rows: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="backstop-wait-loop-") as tmp:
        for n in sizes:
            for label, env in (("checkpoints", {}), ("checkpoints skipped", SKIP)):
                project = Project(Path(tmp) / f"{label.replace(' ', '-')}-{n}", n, 0)
                project.run("stack", "init", "floor", "--secrets-provider", "passphrase")
                profile = project.folder / "program.prof"
                run = project.run(
                    "up",
                    "--yes",
                    "--skip-preview",
                    "--stack",
                    "floor",
                    env={**env, "BENCH_FLOOR_PROFILE": str(profile)},
                )
                total, waiting = in_wait(profile)
                row = {**run, "main_thread_cpu_seconds": total, "in_wait_for_rpcs": waiting}
                rows[f"N={n} {label}"] = row
                print(f"  N={n:>5} up, {label:<20} {row}", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--outputs", default="1000,2000,4000,8000", help="outstanding outputs (part 1)")
    parser.add_argument("--engine-sizes", default="500,1000", help="resources (part 2; '' to leave it out)")
    args = parser.parse_args()
    results: dict[str, Any] = {"pulumi": importlib.metadata.version("pulumi")}
    print("1. outputs resolved one at a time, awaited by the SDK's loop and by the FIRST_EXCEPTION loop")
    outputs = [int(s) for s in args.outputs.split(",") if s.strip()]
    results["reproduction"] = reproduce(outputs) if outputs else {}
    fits = {k: v for k, v in results["reproduction"].items() if k.startswith("exponent")}
    print(f"  growth exponents (log-log fit): {fits}")
    engine_sizes = [int(s) for s in args.engine_sizes.split(",") if s.strip()]
    if engine_sizes:
        print("2. the no-op program under the engine, main thread profiled by CPU time")
        results["engine"] = in_engine(engine_sizes)
    out = ROOT / "bench" / "results" / "wait_loop.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {out}")


if __name__ == "__main__":
    main()

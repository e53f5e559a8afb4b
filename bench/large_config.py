"""API calls, wall time and peak memory of refresh, restore and capture on the derrimut fixture or a large
configuration (1,000 products, 3,000 prices, 16 Stripe and 34 Svix webhook endpoints, 500 Vercel env vars).

Run: .venv/bin/python bench/large_config.py --size derrimut|half|large [--scale F] [--memory-only]
Seeds a private sandbox with the derrimut fixture, writes staging.yaml and prod.yaml (prod grown to the size)
in a temp folder (BACKSTOP_SNAPSHOTS_DIR), applies both with `backstop up` (which adopts the fixture's
Vercel vars; set-up only, at zero latency, in two phases), then, with the sandbox adding
--latency-ms to every request and the vendors' documented rate limits on, measures per stack:
(a) `pulumi preview --refresh --expect-no-changes`, batched and per-object reads;
(c) `backstop capture`;
(d) `backstop drift` right after the update (its refresh-only path), `backstop drift --full`, and a bare
    `pulumi refresh --preview-only`;
(b) scenario A (every managed object deleted in every vendor) then `pulumi up --refresh`: batched reads
    with checkpoints; in two phases as `backstop restore` runs a large restore (the webhook endpoints
    targeted with checkpoints, then everything with PULUMI_SKIP_CHECKPOINTS=true), batched and per-object;
and, at zero latency without rate limits, the same refresh and restore (the engine's own overhead).
--steps picks measurements by label prefixes separated by ';' (labels hold commas); --scale multiplies
the large counts; --memory-only keeps the set-up (which creates everything, as a restore from empty does)
and (a) batched. Prints a table and writes bench/results/large_config-<size>.json after every
measurement.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from backstop.runbook.adopt import phases  # noqa: E402
from backstop.runbook.adopt.vercel import PROJECT  # noqa: E402
from bench.support import (  # noqa: E402
    DERRIMUT,
    HALF,
    LARGE,
    STACKS,
    Peaks,
    Run,
    Size,
    _children,
    bench_env,
    cpu_seconds,
    scenario_a,
    state_shape,
    timed,
    write_documents,
)
from tests.support import Engine, SandboxProcess  # noqa: E402

SKIP = {"PULUMI_SKIP_CHECKPOINTS": "true"}
PER_OBJECT = {"BACKSTOP_BATCHED_READS": "false"}
TWO_PHASES = {"BACKSTOP_TWO_PHASE_MIN_OBJECTS": "0"}
"""`backstop up` in two phases whatever the size (the set-up: the plugin refuses to create a webhook
endpoint in a run that skips checkpoints, so a plain skip-checkpoints `up` no longer works)."""


def size_of(name: str, scale: float) -> Size:
    base = {"derrimut": DERRIMUT, "half": HALF, "large": LARGE}[name]
    return base if scale == 1 or base == DERRIMUT else base.scaled(scale, f"{name}-x{scale}")


def per_stack(engine: Engine, label: str, args: list[str], env: dict[str, str]) -> list[Run]:
    return [timed(engine, label, stack, [*args, "--stack", stack], env) for stack in STACKS]


def preview(engine: Engine, label: str, env: dict[str, str]) -> list[Run]:
    return per_stack(engine, label, ["preview", "--refresh", "--expect-no-changes"], env)


def restore(engine: Engine, sandbox: SandboxProcess, label: str, env: dict[str, str]) -> list[Run]:
    sandbox.load(scenario_a(sandbox.dump()))
    sandbox.http.delete("/_sandbox/requests").raise_for_status()
    return per_stack(engine, label, ["up", "--refresh", "--yes", "--skip-preview"], env)


def two_phase_restore(engine: Engine, sandbox: SandboxProcess, label: str, env: dict[str, str]) -> list[Run]:
    """`backstop restore`'s engine step at this size: phase 1 (the stack, providers, components and
    webhook endpoints, targeted, with checkpoints), then phase 2 (everything, checkpoints skipped)."""
    sandbox.load(scenario_a(sandbox.dump()))
    sandbox.http.delete("/_sandbox/requests").raise_for_status()
    runs = []
    for stack in STACKS:
        two = phases.plan(stack, PROJECT, 1_000_000)
        assert two is not None
        targets = [arg for glob in two.targets for arg in ("--target", glob)]
        up = ["up", "--refresh", "--yes", "--skip-preview", "--stack", stack]
        first = timed(engine, label, stack, [*up, *targets], env)
        second = timed(engine, label, stack, up, {**env, **SKIP})
        runs.append(
            Run(
                label,
                stack,
                round(first.seconds + second.seconds, 2),
                first.requests + second.requests,
                {
                    v: first.by_vendor.get(v, 0) + second.by_vendor.get(v, 0)
                    for v in {*first.by_vendor, *second.by_vendor}
                },
                Peaks(
                    {
                        k: max(first.peaks.kib.get(k, 0), second.peaks.kib.get(k, 0))
                        for k in {*first.peaks.kib, *second.peaks.kib}
                    }
                ),
            )
        )
        print(f"    {stack}: phase 1 {first.seconds} s, phase 2 {second.seconds} s", flush=True)
    return runs


def backstop_restore(engine: Engine, sandbox: SandboxProcess, label: str) -> list[Run]:
    """`backstop restore` itself after scenario A, from a backup taken just before: the preflight, the
    safety backup (a refresh and an export), the update (in two phases at this size), the verifying read
    pass, the signed test deliveries and the post-restore backup: what a team waits for."""
    backups = {
        stack: json.loads(
            engine.backstop("backup", "--stack", stack, "--label", "bench", "--json", timeout=3600).stdout
        )["backup"]["id"]
        for stack in STACKS
    }
    sandbox.load(scenario_a(sandbox.dump()))
    runs = []
    for stack in STACKS:
        sandbox.http.delete("/_sandbox/requests").raise_for_status()
        started = time.perf_counter()
        args = ["restore", "--stack", stack, "--backup", backups[stack], "--json"]
        report = json.loads(engine.backstop(*args, timeout=3600).stdout)["report"]
        seconds = time.perf_counter() - started
        summary = sandbox.requests()
        phases = report.get("phases") or []
        print(f"    {stack}: {seconds:.1f} s; {'; '.join(phases) or 'one phase'}", flush=True)
        runs.append(
            Run(label, stack, round(seconds, 2), int(summary["total"]), dict(summary["by_vendor"]), Peaks())
        )
    return runs


def capture(engine: Engine, work: Path) -> list[Run]:
    return [
        timed(
            engine,
            "capture",
            stack,
            ["backstop", "capture", "--stack", stack, "--output", str(work / f"captured-{stack}.yaml")],
            {},
        )
        for stack in STACKS
    ]


def cpu_split(sandbox: SandboxProcess) -> dict[str, float]:
    """CPU-seconds so far of the commands this benchmark ran (every engine and `backstop` process, once
    waited for) and of the sandbox serving them (the vendors' side, which a real restore doesn't pay
    on its own machine but this one's two cores do)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    served = 0.0
    for pid in {sandbox.process.pid, *_children(sandbox.process.pid)}:
        try:
            served += cpu_seconds(pid)
        except OSError:
            continue
    return {"commands": children.ru_utime + children.ru_stime, "sandbox": served}


def summarise(runs: list[Run]) -> dict[str, Any]:
    """One measurement over both stacks, run one after the other: counts and times add up."""
    by_vendor: dict[str, int] = {}
    for run in runs:
        for vendor, n in run.by_vendor.items():
            by_vendor[vendor] = by_vendor.get(vendor, 0) + n
    return {
        "label": runs[0].label,
        "requests": sum(r.requests for r in runs),
        "by_vendor": by_vendor,
        "seconds": round(sum(r.seconds for r in runs), 2),
        "floor_seconds": round(sum(r.floor_seconds() for r in runs), 2),
        "stacks": {
            r.stack: {
                "requests": r.requests,
                "by_vendor": r.by_vendor,
                "seconds": r.seconds,
                "floor_seconds": r.floor_seconds(),
                "peak_rss_mib": {k: r.peaks.mib(k) for k in sorted(r.peaks.kib)},
                "cpu_seconds_by_process": r.peaks.cpu_seconds(),
            }
            for r in runs
        },
    }


def write(
    out: Path, size: Size, objects: dict[str, int], latency_ms: int, rows: list[dict[str, Any]]
) -> dict[str, Any]:
    """The results so far (written after every measurement, so a long run that stops keeps them)."""
    by_label = {row["label"]: row for row in rows}
    ratios = {}
    for op, batched, per_object in (
        ("refresh", "(a) refresh, batched", "(a) refresh, per-object"),
        ("restore", "(b) restore, batched, two phases", "(b) restore, per-object, two phases"),
    ):
        if batched in by_label and per_object in by_label:
            b, p = by_label[batched], by_label[per_object]
            ratios[op] = {
                "requests": round(p["requests"] / b["requests"], 1),
                "seconds": round(p["seconds"] / b["seconds"], 2),
                "floor": round(p["floor_seconds"] / b["floor_seconds"], 1) if b["floor_seconds"] else None,
            }
    memory = {
        "objects": sum(objects.values()),
        "prod_objects": objects["prod"],
        "peak_rss_mib": {
            row["label"]: {stack: data["peak_rss_mib"] for stack, data in row["stacks"].items()}
            for row in rows
        },
    }
    result = {
        "size": size.__dict__,
        "objects": objects,
        "latency_ms": latency_ms,
        "rows": rows,
        "per_object_over_batched": ratios,
        "memory": memory,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", choices=("derrimut", "half", "large"), default="derrimut")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--memory-only", action="store_true")
    parser.add_argument(
        "--steps",
        default="",
        help="only the measurements whose labels start with these (separated by ';'), after the set-up",
    )
    args = parser.parse_args()
    size = size_of(args.size, args.scale)
    rows: list[dict[str, Any]] = []
    zero = False
    out = (
        ROOT
        / "bench"
        / "results"
        / f"large_config-{args.size}{'' if args.scale == 1 else f'-x{args.scale}'}.json"
    )
    with tempfile.TemporaryDirectory(prefix="backstop-bench-") as tmp:
        work = Path(tmp)
        # In memory only: persisting rewrites the whole state file after every change, which at
        # thousands of objects made the sandbox the bottleneck (see bench/README.md).
        sandbox = SandboxProcess(work / "sandbox", persist=False)
        try:
            sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
            engine = Engine(home=work / "engine", sandbox=sandbox)
            engine.use_project_copy()  # capture writes the captured secrets into Pulumi.<stack>.yaml
            objects = write_documents(work / "snapshots", size)
            engine.extra_env["BACKSTOP_SNAPSHOTS_DIR"] = str(work / "snapshots")
            for stack in STACKS:
                engine.init_stack(stack)
            bench_env(0, False, sandbox)
            setup = [
                timed(
                    engine,
                    "set-up: backstop up (two phases)",
                    s,
                    ["backstop", "up", "--stack", s],
                    TWO_PHASES,
                )
                for s in STACKS
            ]
            rows.append(summarise(setup))
            print(f"{size.name}: {objects} objects applied in {rows[-1]['seconds']} s", flush=True)
            shape = out.with_name(out.stem + "-shape.json")
            shape.parent.mkdir(parents=True, exist_ok=True)
            shape.write_text(json.dumps(state_shape(engine, STACKS)) + "\n")
            print(f"the state's shape (for bench/engine_floor.py --shape): {shape}", flush=True)
            write(out, size, objects, args.latency_ms, rows)

            steps: dict[str, Callable[[], list[Run]]] = {
                "(d) backstop drift, unchanged (refresh-only)": lambda: per_stack(
                    engine,
                    "(d) backstop drift, unchanged (refresh-only)",
                    ["backstop", "drift", "--json"],
                    {},
                ),
                "(d) backstop drift --full": lambda: per_stack(
                    engine, "(d) backstop drift --full", ["backstop", "drift", "--full", "--json"], {}
                ),
                "(d) refresh --preview-only": lambda: per_stack(
                    engine, "(d) refresh --preview-only", ["refresh", "--preview-only"], {}
                ),
                "(d) refresh --preview-only, --parallel 32": lambda: per_stack(
                    engine,
                    "(d) refresh --preview-only, --parallel 32",
                    ["refresh", "--preview-only"],
                    {"PULUMI_PARALLEL": "32"},
                ),
                "(d) backstop drift, unchanged, --parallel 32": lambda: per_stack(
                    engine,
                    "(d) backstop drift, unchanged, --parallel 32",
                    ["backstop", "drift", "--json"],
                    {"PULUMI_PARALLEL": "32"},
                ),
                "(a) refresh, batched": lambda: preview(engine, "(a) refresh, batched", {}),
                "(a) refresh, per-object": lambda: preview(engine, "(a) refresh, per-object", PER_OBJECT),
                "(c) capture": lambda: capture(engine, work),
                "(b) restore, batched, checkpoints": lambda: restore(
                    engine, sandbox, "(b) restore, batched, checkpoints", {}
                ),
                "(b) restore, batched, two phases": lambda: two_phase_restore(
                    engine, sandbox, "(b) restore, batched, two phases", {}
                ),
                "(b) backstop restore": lambda: backstop_restore(engine, sandbox, "(b) backstop restore"),
                "(b) restore, per-object, two phases": lambda: two_phase_restore(
                    engine, sandbox, "(b) restore, per-object, two phases", PER_OBJECT
                ),
                "zero latency: (d) refresh --preview-only": lambda: per_stack(
                    engine, "zero latency: (d) refresh --preview-only", ["refresh", "--preview-only"], {}
                ),
                "zero latency: (d) backstop drift, unchanged": lambda: per_stack(
                    engine, "zero latency: (d) backstop drift, unchanged", ["backstop", "drift", "--json"], {}
                ),
                "zero latency: (a) refresh, batched": lambda: preview(
                    engine, "zero latency: (a) refresh, batched", {}
                ),
                "zero latency: (b) restore, batched, checkpoints": lambda: restore(
                    engine, sandbox, "zero latency: (b) restore, batched, checkpoints", {}
                ),
                "zero latency: (b) restore, batched, two phases": lambda: two_phase_restore(
                    engine, sandbox, "zero latency: (b) restore, batched, two phases", {}
                ),
            }
            chosen = ["(a) refresh, batched"] if args.memory_only else list(steps)
            if args.steps:
                wanted = [w.strip() for w in args.steps.split(";") if w.strip()]
                chosen = [label for label in chosen if any(label.startswith(w) for w in wanted)]
            bench_env(args.latency_ms, True, sandbox)
            for label in chosen:
                if label.startswith("zero latency") and not zero:
                    bench_env(0, False, sandbox)
                    zero = True
                before = cpu_split(sandbox)
                rows.append(summarise(steps[label]()))
                row = rows[-1]
                after = cpu_split(sandbox)
                row["cpu_seconds"] = {k: round(after[k] - before[k], 2) for k in after}
                print(
                    f"  {row['label']:<52} {row['requests']:>6} req {row['seconds']:>8} s; CPU-s: "
                    f"commands {row['cpu_seconds']['commands']}, sandbox {row['cpu_seconds']['sandbox']}",
                    flush=True,
                )
                for stack, numbers in row["stacks"].items():
                    if by_process := numbers["cpu_seconds_by_process"]:
                        print(f"    {stack} CPU-s by process: {by_process}", flush=True)
                write(out, size, objects, args.latency_ms, rows)
        finally:
            sandbox.stop()
    result = write(out, size, objects, args.latency_ms, rows)
    ratios = result["per_object_over_batched"]
    print(f"\n{size.name}: {objects} objects, {args.latency_ms} ms per request, documented rate limits on")
    print(f"{'measurement':<54} {'requests':>8} {'seconds':>8} {'floor s':>8}  by vendor")
    for row in rows:
        vendors = ", ".join(f"{v} {n}" for v, n in sorted(row["by_vendor"].items()))
        print(
            f"{row['label']:<54} {row['requests']:>8} {row['seconds']:>8} "
            f"{row['floor_seconds']:>8}  {vendors}"
        )
    for op, ratio in ratios.items():
        print(f"per-object / batched, {op}: {ratio}")
    print("peak RSS (MiB), prod stack:")
    for row in rows:
        prod = row["stacks"]["prod"]["peak_rss_mib"]
        if not prod:
            continue  # `backstop restore` runs through the engine's own helper: not sampled
        print(f"  {row['label']:<54} pulumi {prod.get('pulumi', 0):>7} plugin {prod.get('plugin', 0):>7}")
    out = (
        ROOT
        / "bench"
        / "results"
        / f"large_config-{args.size}{'' if args.scale == 1 else f'-x{args.scale}'}.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

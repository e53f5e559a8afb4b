"""The engine's floor at N resources: the same engine, SDK and backend as Backstop, with a provider that
calls nothing (bench/floor/provider.py) and a program declaring N of its resources (bench/floor/program.py).

Run: .venv/bin/python bench/engine_floor.py --sizes 1000,4586 [--endpoints 50] [--no-checkpointed]
For each N, in a throwaway project with its own `file://` backend, measures wall seconds and CPU-seconds
(the command and every process under it):
- `up` creating N with per-step checkpoints (the slowest: --no-checkpointed leaves it out),
- `up` creating N with PULUMI_SKIP_CHECKPOINTS=true,
- `up` creating N in two phases as `backstop restore` runs a large update (phase 1 targets the stack, its
  providers and the --endpoints resources of the secret-bearing stand-in type, with checkpoints; phase 2
  everything with checkpoints skipped),
- with --total-loss, `pulumi refresh` of N resources whose objects are all gone (the provider's reads say
  so), with per-step checkpoints and with them skipped,
- then, with N in the state: `preview --refresh --expect-no-changes`, `refresh --preview-only` (no program)
  and `preview` (no refresh: mostly the program and the engine's diff),
and the program's own CPU where it ran (sampled from /proc while it lives). Writes
bench/results/engine_floor.json. Backstop's figures at the same N (bench/large_config.py) are quoted as
ratios to these.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from backstop.runbook.workspace import engine_env  # noqa: E402
from bench.support import _children, cpu_seconds  # noqa: E402

PULUMI = ROOT / ".venv" / "bin" / "pulumi"
PYTHON = ROOT / ".venv" / "bin" / "python"
SKIP = {"PULUMI_SKIP_CHECKPOINTS": "true"}
LAUNCHER = """#!/bin/sh
export PYTHONPATH="{root}"
exec "{python}" -m bench.floor.provider "$@"
"""


class Project:
    """A throwaway Pulumi project of N no-op resources."""

    def __init__(self, folder: Path, n: int, endpoints: int) -> None:
        self.folder = folder
        folder.mkdir(parents=True)
        (folder / "state").mkdir()
        (folder / "bin").mkdir()
        launcher = folder / "bin" / "pulumi-resource-noop"
        launcher.write_text(LAUNCHER.format(root=ROOT, python=PYTHON))
        launcher.chmod(0o755)
        shutil.copyfile(ROOT / "bench" / "floor" / "program.py", folder / "__main__.py")
        (folder / "Pulumi.yaml").write_text(
            "name: floor\nruntime:\n  name: python\n"
            "plugins:\n  providers:\n    - name: noop\n      path: ./bin\n"
        )
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "BACKSTOP_"))},
            **engine_env(),
            "PULUMI_BACKEND_URL": f"file://{folder / 'state'}",
            "PULUMI_CONFIG_PASSPHRASE": "floor",
            "PULUMI_HOME": str(folder / "pulumi-home"),
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "BENCH_FLOOR_N": str(n),
            "BENCH_FLOOR_ENDPOINTS": str(endpoints),
        }

    def run(self, *args: str, env: dict[str, str] | None = None) -> dict[str, float]:
        """`pulumi ARGS`: wall seconds, CPU-seconds of it and its children, the program's CPU-seconds."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        program = ProgramCpu()
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(PULUMI), *args, "--non-interactive"],
            cwd=self.folder,
            env={**self.env, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        program.watch(process.pid)
        output, _ = process.communicate(timeout=7200)
        wall = time.perf_counter() - started
        program.stop()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if process.returncode != 0:
            raise RuntimeError(f"pulumi {' '.join(args)} exited {process.returncode}:\n{output[-3000:]}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return {
            "seconds": round(wall, 2),
            "cpu_seconds": round(cpu, 2),
            "program_cpu_seconds": program.seconds,
        }


class ProgramCpu:
    """The Python program's utime + stime, read from /proc until it exits (the last reading is kept)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def watch(self, root: int) -> None:
        self._thread = threading.Thread(target=self._sample, args=(root,), daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()

    def _sample(self, root: int) -> None:
        seen: dict[int, float] = {}
        while not self._done.is_set():
            for pid in _children(root):
                try:
                    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
                    used = cpu_seconds(pid)
                except OSError:
                    continue
                if "__main__.py" in cmdline or "pulumi-language-python-exec" in cmdline:
                    seen[pid] = used
            self.seconds = round(sum(seen.values()), 2)
            self._done.wait(0.2)


def measure(
    work: Path,
    n: int,
    endpoints: int,
    checkpointed: bool,
    total_loss: bool = False,
    shape: Path | None = None,
) -> dict[str, Any]:
    rows: dict[str, Any] = {}

    def fresh(name: str) -> Project:
        project = Project(work / f"{name}-{n}{'-shaped' if shape else ''}", n, endpoints)
        if shape is not None:
            project.env["BENCH_FLOOR_SHAPE"] = str(shape.resolve())
        project.run("stack", "init", "floor", "--secrets-provider", "passphrase")
        return project

    up = ("up", "--yes", "--skip-preview", "--stack", "floor")
    if checkpointed:
        rows["up, checkpoints"] = fresh("checkpoints").run(*up)
        print(f"  N={n} up, checkpoints: {rows['up, checkpoints']}", flush=True)
    skipped = fresh("skip")
    rows["up, checkpoints skipped"] = skipped.run(*up, env=SKIP)
    print(f"  N={n} up, checkpoints skipped: {rows['up, checkpoints skipped']}", flush=True)
    two = fresh("two")
    prefix = "urn:pulumi:floor::floor::"
    globs = [
        f"{prefix}pulumi:pulumi:Stack::*",
        f"{prefix}pulumi:providers:*::*",
        f"{prefix}noop:index:Endpoint::*",
    ]
    first = two.run(*up, *(a for g in globs for a in ("--target", g)))
    second = two.run(*up, env=SKIP)
    rows["up, two phases"] = {
        "seconds": round(first["seconds"] + second["seconds"], 2),
        "cpu_seconds": round(first["cpu_seconds"] + second["cpu_seconds"], 2),
        "program_cpu_seconds": round(first["program_cpu_seconds"] + second["program_cpu_seconds"], 2),
        "phase 1": first,
        "phase 2": second,
    }
    print(f"  N={n} up, two phases: {rows['up, two phases']}", flush=True)
    if total_loss:
        # A refresh after every object was lost: each refresh step removes one resource from the state.
        gone = {"BENCH_FLOOR_GONE": "true"}
        refresh = ("refresh", "--yes", "--skip-preview", "--stack", "floor")
        for label, env in (
            ("refresh after a total loss, checkpoints", {}),
            ("refresh after a total loss, checkpoints skipped", SKIP),
        ):
            lost = fresh(label.replace(" ", "-").replace(",", ""))
            lost.run(*up, env=SKIP)
            rows[label] = lost.run(*refresh, env={**gone, **env})
            print(f"  N={n} {label}: {rows[label]}", flush=True)
    for label, args in (
        ("preview --refresh", ("preview", "--refresh", "--expect-no-changes", "--stack", "floor")),
        ("refresh --preview-only", ("refresh", "--preview-only", "--stack", "floor")),
        ("preview", ("preview", "--expect-no-changes", "--stack", "floor")),
    ):
        rows[label] = skipped.run(*args)
        print(f"  N={n} {label}: {rows[label]}", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000", help="comma-separated resource counts")
    parser.add_argument("--endpoints", type=int, default=50, help="phase 1's resources (large config: 50)")
    parser.add_argument("--no-checkpointed", action="store_true", help="leave out the checkpointed up")
    parser.add_argument(
        "--total-loss",
        action="store_true",
        help="add `pulumi refresh` after a total loss, with and without checkpoints",
    )
    parser.add_argument(
        "--shape",
        type=Path,
        help="also measure the floor carrying Backstop's data: one no-op resource per object of this "
        "file's (bench/results/large_config-<size>-shape.json, written by large_config.py's set-up), "
        "with its inputs, outputs and secret outputs",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results: dict[str, Any] = {"endpoints": args.endpoints, "sizes": {}}
    out = ROOT / "bench" / "results" / "engine_floor.json"
    out.parent.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="backstop-floor-") as tmp:
        for n in sizes:
            results["sizes"][str(n)] = measure(
                Path(tmp), n, min(args.endpoints, n), not args.no_checkpointed, args.total_loss
            )
            out.write_text(json.dumps(results, indent=2) + "\n")
        if args.shape is not None:
            objects = json.loads(args.shape.read_text())["resources"]
            endpoints = sum(1 for o in objects if o["secret_bearing"])
            key = f"{len(objects)} shaped"
            print(f"  {key}: {endpoints} secret-bearing, from {args.shape}", flush=True)
            results["sizes"][key] = measure(
                Path(tmp), len(objects), endpoints, not args.no_checkpointed, args.total_loss, args.shape
            )
            out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nengine floor (no-op provider), {args.endpoints} phase-1 resources; written to {out}")
    for n, rows in results["sizes"].items():
        for label, row in rows.items():
            print(
                f"N={n:>13} {label:<26} {row['seconds']:>9} s {row['cpu_seconds']:>9} CPU-s "
                f"program {row['program_cpu_seconds']:>7} CPU-s"
            )


if __name__ == "__main__":
    main()

"""CPU-seconds per command on the derrimut stacks, against a bare engine run doing the same reads.

Run: .venv/bin/python bench/cpu_per_command.py [--repeat 3]
Seeds a private sandbox with the derrimut fixture, applies staging and prod with `backstop up`, then runs
each command `--repeat` times per stack at zero latency with nothing changed, and reports the median
CPU-seconds of its whole process tree (user + sys of every waited child: what `/usr/bin/time -v` reports),
split by process (the `pulumi` CLI, the language host's `pip list`, the program, the `backstop` plugin,
the vercel plugin, the `backstop` command itself) from /proc samples every 20 ms (a process that lives less
than that is counted in "other"). Also the start-up floors of each Python process. Writes
bench/results/cpu_per_command.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.support import STACKS, derrimut_applied  # noqa: E402
from tests.support import VENV_BIN, children_cpu  # noqa: E402

COMMANDS: dict[str, list[str]] = {
    "pulumi preview --refresh --expect-no-changes": [
        "pulumi",
        "preview",
        "--refresh",
        "--expect-no-changes",
        "--non-interactive",
    ],
    "backstop drift": ["backstop", "drift"],
    "pulumi up --refresh (no changes)": [
        "pulumi",
        "up",
        "--refresh",
        "--yes",
        "--skip-preview",
        "--non-interactive",
    ],
    "backstop up (no changes)": ["backstop", "up"],
    "backstop backup": ["backstop", "backup", "--label", "bench"],
    "backstop status": ["backstop", "status"],
    "backstop check": ["backstop", "check"],
}
OK: dict[str, tuple[int, ...]] = {"backstop status": (0, 1), "backstop check": (0, 1)}
"""Both exit 1 here: the stacks' databases have never been backed up, and adopted endpoints' secrets are
unknown (not checkable)."""
FLOORS: dict[str, list[str]] = {
    "python (bare interpreter)": [str(VENV_BIN / "python"), "-c", "pass"],
    "language host's pip list (bin/pulumi-python)": [
        str(ROOT / "bin" / "pulumi-python"),
        *("-m", "pip", "list", "-v", "--format", "json"),
    ],
    "pip's own pip list": [str(VENV_BIN / "python"), "-m", "pip", "list", "-v", "--format", "json"],
    "plugin imports": [str(VENV_BIN / "python"), "-c", "import backstop.plugin.provider.__main__"],
    "backstop --help": [str(VENV_BIN / "backstop"), "--help"],
}


SHIM = """#!/bin/sh
exec /usr/bin/time -a -o "$BENCH_CPU_LOG" -f "%U %S {kind} %C" {target} "$@"
"""


def install_shims(project: Path, shims: Path) -> dict[str, str]:
    """The language host's Python (it runs `pip list` and the program with it: the project's
    bin/pulumi-python, as `backstop` sets it) and the project's plugin launcher, each run under
    /usr/bin/time appending to $BENCH_CPU_LOG. Returns the environment that routes bare runs through them
    (`backstop` commands set their own PULUMI_PYTHON_CMD, so they split only the plugin out)."""
    shims.mkdir()
    python3 = shims / "python3"
    python3.write_text(SHIM.format(kind="python3", target=project / "bin" / "pulumi-python"))
    launcher = project / "bin" / "pulumi-resource-backstop"
    original = launcher.with_name("pulumi-resource-backstop-unmeasured")
    launcher.rename(original)
    launcher.write_text(SHIM.format(kind="plugin", target=original))
    for path in (python3, launcher):
        path.chmod(0o755)
    return {"PULUMI_PYTHON_CMD": str(python3)}


def measure(command: list[str], cwd: Path, env: dict[str, str], ok: tuple[int, ...]) -> dict[str, Any]:
    log = Path(env["BENCH_CPU_LOG"])
    log.write_text("")
    before, started = children_cpu(), time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - started
    cpu = children_cpu() - before
    if done.returncode not in ok:
        raise SystemExit(
            f"{' '.join(command)} exited {done.returncode}:\n{(done.stdout + done.stderr)[-3000:]}"
        )
    by_kind: dict[str, float] = {}
    for line in log.read_text().splitlines():
        fields = line.split(maxsplit=3)
        if len(fields) < 3 or not fields[0].replace(".", "").isdigit():
            continue  # /usr/bin/time's note on a signalled process
        name = fields[2]
        if name == "python3":
            rest = fields[3] if len(fields) > 3 else ""
            name = (
                "pip list"
                if "pip list" in rest
                else "program"
                if "language-python-exec" in rest
                else "python3"
            )
        by_kind[name] = by_kind.get(name, 0.0) + float(fields[0]) + float(fields[1])
    by_kind["engine and command (the rest)"] = max(0.0, cpu - sum(by_kind.values()))
    return {"cpu": cpu, "wall": wall, "by_kind": by_kind}


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    runs = sorted(runs, key=lambda r: r["cpu"])
    return runs[len(runs) // 2]


def summed(name: str, per_stack: dict[str, dict[str, Any]], width: int) -> dict[str, Any]:
    """One command's runs over the stacks added up (they run one after the other), printed on one line."""
    runs = per_stack.values()
    total = {
        "cpu": sum(r["cpu"] for r in runs),
        "wall": sum(r["wall"] for r in runs),
        "by_kind": {
            k: sum(r["by_kind"].get(k, 0.0) for r in runs)
            for k in sorted({k for r in runs for k in r["by_kind"]})
        },
    }
    parts = ", ".join(f"{k} {v:.2f}" for k, v in total["by_kind"].items() if v >= 0.05)
    print(f"{name:{width}} {total['cpu']:6.2f} CPU-s  {total['wall']:5.1f} s  ({parts})", flush=True)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, Any] = {"commands": {}, "floors": {}}
    with tempfile.TemporaryDirectory(prefix="backstop-bench-cpu-") as tmp:
        work = Path(tmp)
        with derrimut_applied(work) as engine:
            routed = install_shims(engine.project, work / "shims")
            env = engine.backstop_env()
            env.update(BENCH_CPU_LOG=str(work / "cpu.log"), PATH=f"{work / 'shims'}{os.pathsep}{env['PATH']}")
            env.update(routed)
            for name, floor in FLOORS.items():
                runs = [measure(floor, engine.project, env, (0,)) for _ in range(args.repeat)]
                results["floors"][name] = median_run(runs)
                print(f"{name:48} {results['floors'][name]['cpu']:6.2f} CPU-s", flush=True)
            for name, command in COMMANDS.items():
                per_stack = {}
                for stack in STACKS:
                    binary = str(VENV_BIN / command[0])
                    runs = [
                        measure(
                            [binary, *command[1:], "--stack", stack], engine.project, env, OK.get(name, (0,))
                        )
                        for _ in range(args.repeat)
                    ]
                    per_stack[stack] = median_run(runs)
                results["commands"][name] = {"stacks": per_stack, "total": summed(name, per_stack, 48)}
    bare = results["commands"]["pulumi preview --refresh --expect-no-changes"]["total"]["cpu"]
    drift = results["commands"]["backstop drift"]["total"]["cpu"]
    results["drift_over_bare_preview"] = round(drift / bare, 2)
    print(f"backstop drift / bare preview --refresh: {results['drift_over_bare_preview']} times")
    out = ROOT / "bench" / "results" / "cpu_per_command.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()

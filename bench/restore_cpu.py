"""CPU-seconds of `backstop restore` after scenario A (every managed object deleted) on the derrimut stacks,
against a bare `pulumi up --refresh` doing the same creates from the same state.

Run: .venv/bin/python bench/restore_cpu.py [--repeat 3]
Seeds a private sandbox with the derrimut fixture, applies staging and prod with `backstop up` and backs
both up. Then, `--repeat` times: every managed object of both stacks is deleted in every vendor (the
sandbox's dump → edit → load), staging then prod are restored with `backstop restore --backup <id>`; the
objects are deleted again and staging then prod are put back with a bare `pulumi up --refresh --yes
--skip-preview`. Reports the median CPU-seconds of each command's whole process tree, split by process as
bench/cpu_per_command.py does, and the ratio. The project copy's approvals.yaml is replaced by one that
protects no stack (approvals are not what is measured; prod's would need a signed approval per run).
Writes bench/results/restore_cpu.json. On a shared machine read the ratio, not the seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.cpu_per_command import install_shims, measure, median_run, summed  # noqa: E402
from bench.support import STACKS, derrimut_applied, scenario_a  # noqa: E402
from tests.support import VENV_BIN  # noqa: E402

UNPROTECTED = """\
roles: [developer]
people:
  Bench Runner:
    roles: [developer]
    keys: [ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE0ARxvPwQ/3KC//OzEpPqroTFSerKoh7E/Pw72l05kz bench@example]
rules:
  - {stacks: [staging, prod], kinds: [configuration, database], roles: null}
"""
RESTORE = "backstop restore (scenario A)"
BARE = "pulumi up --refresh (the same creates)"


def command(name: str, stack: str, backups: dict[str, str]) -> list[str]:
    if name == RESTORE:
        return [
            str(VENV_BIN / "backstop"),
            "restore",
            "--stack",
            stack,
            "--backup",
            backups[stack],
            "--approved-by",
            "Bench Runner",
        ]
    flags = ["--refresh", "--yes", "--skip-preview", "--non-interactive", "--stack", stack]
    return [str(VENV_BIN / "pulumi"), "up", *flags]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    runs: dict[str, dict[str, list[dict[str, Any]]]] = {RESTORE: {}, BARE: {}}
    with tempfile.TemporaryDirectory(prefix="backstop-bench-restore-") as tmp:
        work = Path(tmp)
        with derrimut_applied(work) as engine:
            sandbox = engine.sandbox
            (engine.project / "approvals.yaml").write_text(UNPROTECTED)
            backups = {}
            for stack in STACKS:
                done = engine.backstop("backup", "--stack", stack, "--label", "bench", "--json")
                backups[stack] = json.loads(done.stdout)["backup"]["id"]
            applied = sandbox.dump()
            routed = install_shims(engine.project, work / "shims")
            env = engine.backstop_env()
            env.update(BENCH_CPU_LOG=str(work / "cpu.log"), PATH=f"{work / 'shims'}{os.pathsep}{env['PATH']}")
            env.update(routed)
            for _ in range(args.repeat):
                for name in (RESTORE, BARE):
                    sandbox.load(scenario_a(applied))
                    for stack in STACKS:
                        run = measure(command(name, stack, backups), engine.project, env, (0,))
                        runs[name].setdefault(stack, []).append(run)
                        print(f"{name:40} {stack:8} {run['cpu']:6.2f} CPU-s {run['wall']:5.1f} s", flush=True)
    results: dict[str, Any] = {"commands": {}}
    for name, per_stack in runs.items():
        medians = {stack: median_run(r) for stack, r in per_stack.items()}
        results["commands"][name] = {"stacks": medians, "total": summed(name, medians, 40)}
    restore = results["commands"][RESTORE]["total"]["cpu"]
    bare = results["commands"][BARE]["total"]["cpu"]
    results["restore_over_bare_up"] = round(restore / bare, 2)
    print(f"backstop restore / bare up --refresh: {results['restore_over_bare_up']} times")
    out = ROOT / "bench" / "results" / "restore_cpu.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()

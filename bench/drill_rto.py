"""The RTO of every drill scenario on the derrimut fixture, rehearsed and live, in one run.

Run: .venv/bin/python bench/drill_rto.py
Seeds a private sandbox with the derrimut fixture, applies staging and prod and backs up their
configuration and databases. Then prod's backups are rehearsed (`drill --rehearse`, a private sandbox
each) for A, B, C and D, and staging is drilled `--live`
for A, B and D (the sandbox reached through base URLs only, as the real staging would be; staging owns no
Vercel project, so C doesn't apply). Reports each drill's phases, its RTO (detect + decide + restore) and
its wall time; writes bench/results/drill_rto.json. On a shared machine read the ratios, not the seconds.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.support import STACKS, derrimut_applied  # noqa: E402
from tests.support import Engine  # noqa: E402

REHEARSED = ("A", "B", "C", "D")
LIVE = ("A", "B", "D")


def rto(report: dict[str, Any]) -> float:
    return sum(p["seconds"] for p in report["phases"] if p["name"] in ("detect", "decide", "restore"))


def drill(engine: Engine, *args: str) -> dict[str, Any]:
    clock = time.monotonic()
    done = engine.backstop("drill", *args, "--json", ok=(0, 1))
    wall = time.monotonic() - clock
    report = json.loads(done.stdout)["report"]
    return {
        "passed": json.loads(done.stdout)["ok"],
        "rto_seconds": round(rto(report), 2),
        "wall_seconds": round(wall, 2),
        "phases": {p["name"]: round(p["seconds"], 2) for p in report["phases"]},
        "seed_seconds": round(report["rehearsal"]["seed_seconds"], 2) if report.get("rehearsal") else None,
        "database_backup": report.get("database_backup_id"),
    }


def main() -> None:
    results: dict[str, Any] = {"rehearsed (prod)": {}, "live (staging)": {}}
    with (
        tempfile.TemporaryDirectory(prefix="backstop-bench-rto-") as tmp,
        derrimut_applied(Path(tmp)) as engine,
    ):
        for stack in STACKS:
            engine.backstop("backup", "--stack", stack, "--label", "bench")
            engine.backstop("db", "backup", "--stack", stack, "--label", "bench")
        # A and B rehearse prod's database too: its export's identity, as CI would be given it.
        key = engine.pulumi("config", "get", "platform-config:dbBackupKey", "--stack", "prod").stdout.strip()
        engine.extra_env["BACKSTOP_DB_BACKUP_KEY"] = key
        for scenario in REHEARSED:
            found = drill(engine, "--stack", "prod", "--scenario", scenario, "--rehearse")
            results["rehearsed (prod)"][scenario] = found
            print(f"rehearsed prod {scenario}: {found}", flush=True)
        for scenario in LIVE:
            found = drill(
                engine, "--stack", "staging", "--scenario", scenario, "--live", "--approved-by", "Sam Dev"
            )
            results["live (staging)"][scenario] = found
            print(f"live staging {scenario}: {found}", flush=True)
    out = ROOT / "bench" / "results" / "drill_rto.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {out}")


if __name__ == "__main__":
    main()

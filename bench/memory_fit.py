"""Peak RSS of the `pulumi` process and the `backstop` plugin at three sizes, with fitted growth exponents.

Run after bench/large_config.py at the three sizes (each writes bench/results/large_config-<size>.json):
    .venv/bin/python bench/memory_fit.py
The plugin's baseline is its RSS once started and serving, with no object (measured here: the plugin
launched as the engine launches it, with an engine address nothing listens on, read after it prints
its port). The exponent is the least-squares
log-log slope of (peak - baseline) against the prod stack's object count; for `pulumi` the same without a
baseline subtracted (its own start-up cost is not separated). Writes bench/results/memory_fit.json.
"""

from __future__ import annotations

import json
import math
import subprocess
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
MEASURED = (
    "set-up: backstop up (two phases)",
    "(a) refresh, batched",
    "(b) restore, batched, two phases",
    # the labels of results written before updates ran in two phases
    "set-up: backstop up (skip checkpoints)",
    "(b) restore, batched, skip checkpoints",
)
"""Peaks are the highest over these runs of the prod stack (the set-up creates everything, as a restore)."""


def plugin_baseline_mib() -> float:
    """VmRSS of bin/pulumi-resource-backstop once it is listening (after its imports), no object yet."""
    process = subprocess.Popen(
        [str(ROOT / "bin" / "pulumi-resource-backstop"), "127.0.0.1:1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert process.stdout is not None
        process.stdout.readline()  # the port: the server is up
        time.sleep(1)
        status = Path(f"/proc/{process.pid}/status").read_text()
        kib = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
        return round(kib / 1024, 1)
    finally:
        process.terminate()
        process.wait()


def slope(points: list[tuple[float, float]]) -> float:
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def main() -> None:
    baseline = plugin_baseline_mib()
    rows: list[dict[str, Any]] = []
    for size in ("derrimut", "half", "large"):
        data = json.loads((RESULTS / f"large_config-{size}.json").read_text())
        peaks = data["memory"]["peak_rss_mib"]
        prod = [peaks[label]["prod"] for label in MEASURED if label in peaks]
        rows.append(
            {
                "size": size,
                "prod_objects": data["objects"]["prod"],
                "pulumi_mib": max(p.get("pulumi", 0) for p in prod),
                "plugin_mib": max(p.get("plugin", 0) for p in prod),
            }
        )
    plugin_points = [
        (r["prod_objects"], r["plugin_mib"] - baseline) for r in rows if r["plugin_mib"] > baseline
    ]
    result = {
        "plugin_baseline_mib": baseline,
        "rows": rows,
        "plugin_exponent": round(slope(plugin_points), 2) if len(plugin_points) >= 2 else None,
        "plugin_points_used": plugin_points,
        "pulumi_exponent": round(slope([(r["prod_objects"], r["pulumi_mib"]) for r in rows]), 2),
    }
    print(f"plugin baseline (started, no objects): {baseline} MiB")
    print(
        f"{'size':<10} {'prod objects':>12} {'pulumi MiB':>11} {'plugin MiB':>11} {'plugin - baseline':>18}"
    )
    for r in rows:
        print(
            f"{r['size']:<10} {r['prod_objects']:>12} {r['pulumi_mib']:>11} {r['plugin_mib']:>11} "
            f"{round(r['plugin_mib'] - baseline, 1):>18}"
        )
    print(
        f"growth exponent: plugin (above baseline) {result['plugin_exponent']}, "
        f"pulumi {result['pulumi_exponent']}"
    )
    (RESULTS / "memory_fit.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

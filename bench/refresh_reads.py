"""API calls and wall time of `pulumi preview --refresh` with nothing changed: batched vs per-object reads.

Run: .venv/bin/python bench/refresh_reads.py [--prices N] [--latency-ms 50]
Declares the staging document plus one product with N prices, applies it to a private sandbox, then
previews with a refresh twice: with batched reads (the default) and with BACKSTOP_BATCHED_READS=false.
The sandbox adds the given latency to every request. Prints a table and writes
bench/results/refresh_reads.json.
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

import httpx
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from sandbox.process import spawn, stop  # noqa: E402


def document(path: Path, prices: int) -> None:
    yaml = YAML()
    data = yaml.load((ROOT / "snapshots" / "staging.yaml").read_text())
    data["stripe"]["products"].append(
        {
            "key": "bulk",
            "id": "bulk",
            "name": "Bulk",
            "prices": [
                {"key": f"p{i}", "lookup_key": f"bulk-{i}", "currency": "aud", "unit_amount": 100 + i}
                for i in range(prices)
            ],
        }
    )
    with path.open("w") as fh:
        yaml.dump(data, fh)


def pulumi(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "pulumi"), *args, "--non-interactive"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prices", type=int, default=300)
    parser.add_argument("--latency-ms", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        process, port = spawn(work / "sandbox")
        base = f"http://127.0.0.1:{port}"
        control = httpx.Client(base_url=base, timeout=30)
        try:
            document(work / "staging.yaml", args.prices)
            (work / "backend").mkdir()
            env = {k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "BACKSTOP_"))}
            env.update(
                PATH=f"{ROOT / '.venv' / 'bin'}:{env.get('PATH', '')}",
                PULUMI_HOME=str(work / "home"),
                PULUMI_BACKEND_URL=f"file://{work / 'backend'}",
                PULUMI_CONFIG_PASSPHRASE="backstop-sandbox-demo",
                PULUMI_SKIP_UPDATE_CHECK="true",
                PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
                BACKSTOP_STRIPE_BASE_URL=f"{base}/stripe",
                BACKSTOP_DESIRED_STATE=str(work / "staging.yaml"),
            )
            pulumi(env, "stack", "init", "staging")
            pulumi(env, "up", "--yes", "--skip-preview", "--stack", "staging")
            control.post("/_sandbox/faults", json={"kind": "latency", "latency_ms": args.latency_ms})
            rows: list[dict[str, Any]] = []
            for label, batched in (("batched reads", "true"), ("per-object reads", "false")):
                control.delete("/_sandbox/requests")
                seconds = pulumi(
                    {**env, "BACKSTOP_BATCHED_READS": batched},
                    "preview",
                    "--refresh",
                    "--expect-no-changes",
                    "--stack",
                    "staging",
                )
                summary = control.get("/_sandbox/requests").json()
                rows.append(
                    {
                        "mode": label,
                        "requests": summary["total"],
                        "seconds": round(seconds, 2),
                        "by_route": summary["by_route"],
                    }
                )
            control.delete("/_sandbox/faults")
            control.delete("/_sandbox/requests")
            zero_latency = pulumi(env, "preview", "--refresh", "--expect-no-changes", "--stack", "staging")
            resources = args.prices + 4 + 4 + 2 + 1
        finally:
            stop(process)
    batched, per_object = rows
    result = {
        "managed_objects": resources,
        "latency_ms": args.latency_ms,
        "batched": batched,
        "per_object": per_object,
        "request_ratio": round(per_object["requests"] / batched["requests"], 1),
        "time_ratio": round(per_object["seconds"] / batched["seconds"], 2),
        "engine_overhead_seconds_at_zero_latency": round(zero_latency, 2),
        "rate_limit_floor_seconds_batched": round(batched["requests"] / 25, 2),
        "rate_limit_floor_seconds_per_object": round(per_object["requests"] / 25, 2),
    }
    print(f"pulumi preview --refresh, nothing changed: {resources} objects, {args.latency_ms} ms per request")
    print(f"{'mode':<18} {'requests':>9} {'seconds':>8} {'floor (25 req/s)':>17}")
    for row, floor in (
        (batched, result["rate_limit_floor_seconds_batched"]),
        (per_object, result["rate_limit_floor_seconds_per_object"]),
    ):
        print(f"{row['mode']:<18} {row['requests']:>9} {row['seconds']:>8} {floor:>16}s")
    print(
        f"per-object / batched: {result['request_ratio']}x the requests, {result['time_ratio']}x the time; "
        f"engine overhead at zero latency {result['engine_overhead_seconds_at_zero_latency']} s"
    )
    out = ROOT / "bench" / "results" / "refresh_reads.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

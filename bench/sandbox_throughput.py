"""How fast the sandbox serves simple GETs, against the highest rate limit it emulates.

Run: .venv/bin/python bench/sandbox_throughput.py [--requests N] [--concurrency C]
Prints a table and writes bench/results/sandbox_throughput.json. The sandbox must never be what a
Backstop benchmark measures: it should serve at least 10x Stripe's live-mode limit (100 requests/s).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.support import cpu_seconds
from sandbox.process import spawn, stop

ROOT = Path(__file__).resolve().parents[1]
STRIPE_LIVE_LIMIT = 100.0
KEY = "sk_live_sandbox_derrimut_prod"


async def measure(base: str, path: str, total: int, concurrency: int) -> float:
    async with httpx.AsyncClient(
        base_url=base, auth=(KEY, ""), limits=httpx.Limits(max_connections=concurrency)
    ) as http:
        remaining = total

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                response = await http.get(path)
                response.raise_for_status()

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return total / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        process, port = spawn(Path(tmp))
        base = f"http://127.0.0.1:{port}"
        try:
            httpx.post(f"{base}/_sandbox/fixtures/derrimut").raise_for_status()
            endpoint = httpx.get(f"{base}/stripe/v1/webhook_endpoints", auth=(KEY, "")).json()["data"][0][
                "id"
            ]
            path = f"/stripe/v1/webhook_endpoints/{endpoint}"
            sequential = asyncio.run(measure(base, path, args.requests // 3, 1))
            cpu_before = cpu_seconds(process.pid)
            concurrent = asyncio.run(measure(base, path, args.requests, args.concurrency))
            capacity = args.requests / (cpu_seconds(process.pid) - cpu_before)
        finally:
            stop(process)
    rows = [
        ("GET one webhook endpoint, 1 client", sequential),
        (f"GET one webhook endpoint, {args.concurrency} concurrent clients", concurrent),
        ("server capacity (requests per CPU-second)", capacity),
    ]
    print(f"{'workload':<50} {'requests/s':>11} {'x Stripe live limit':>20}")
    for name, rate in rows:
        print(f"{name:<50} {rate:>11.0f} {rate / STRIPE_LIVE_LIMIT:>19.1f}x")
    result = {
        "stripe_live_limit_per_s": STRIPE_LIVE_LIMIT,
        "requests": args.requests,
        "concurrency": args.concurrency,
        "sequential_per_s": round(sequential, 1),
        "concurrent_per_s": round(concurrent, 1),
        "ratio_sequential": round(sequential / STRIPE_LIVE_LIMIT, 1),
        "ratio_concurrent": round(concurrent / STRIPE_LIVE_LIMIT, 1),
        "server_capacity_per_cpu_s": round(capacity, 1),
        "ratio_capacity": round(capacity / STRIPE_LIVE_LIMIT, 1),
    }
    out = ROOT / "bench" / "results" / "sandbox_throughput.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    # The clients share the machine's two cores with the server, so the wall-clock rates are a floor;
    # the server's own CPU time per request is what says how fast it serves.
    verdict = "OK" if concurrent >= 10 * STRIPE_LIVE_LIMIT else "TOO SLOW"
    print(f"\n{verdict}: the sandbox needs >= 10x the highest emulated limit; wrote {out.relative_to(ROOT)}")
    if verdict != "OK":
        sys.exit(1)


if __name__ == "__main__":
    main()

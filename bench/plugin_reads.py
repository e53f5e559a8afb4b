"""The `backstop` plugin's own CPU per object read, as a refresh spends it, against an earlier revision.

Run: .venv/bin/python bench/plugin_reads.py [--products 500] [--against REV]
Seeds a private sandbox (zero latency) with --products Stripe products, one price each, then drives the
plugin's provider in-process, as the engine does in a refresh: for every object a Read (batched: the
collection's listing once, then each object from it) and a Diff of what it read against the same inputs.
Reports the process's CPU milliseconds per object (the sandbox runs in its own process and is not
counted) and the requests sent. With --against REV the same measurement runs on that revision's plugin
code (a temporary git worktree), one after the other in this run: quote the ratio, not the times.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CODE = Path(os.environ.get("BENCH_CODE_ROOT") or ROOT)
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(CODE))  # the plugin measured: this checkout's, or a worktree's (--against)

STACK_KEY = "sk_test_sandbox_derrimut_staging"
PRODUCT = "backstop:stripe:Product"
PRICE = "backstop:stripe:Price"


def urn(kind: str, name: str) -> str:
    return f"urn:pulumi:staging::platform-config::backstop:components:StripeBilling${kind}::{name}"


def seed(base: str, products: int) -> list[tuple[str, str]]:
    """Creates the objects straight through the Stripe API; returns (type, id) for each."""
    import httpx

    made: list[tuple[str, str]] = []
    with httpx.Client(base_url=f"{base}/stripe", headers={"Authorization": f"Bearer {STACK_KEY}"}) as http:
        for i in range(products):
            product = http.post("/v1/products", data={"id": f"plan-{i:05d}", "name": f"Plan {i}"}).json()
            price = http.post(
                "/v1/prices",
                data={
                    "product": product["id"],
                    "currency": "aud",
                    "unit_amount": str(1000 + i),
                    "lookup_key": f"plan-{i:05d}-monthly",
                    "recurring[interval]": "month",
                },
            ).json()
            made += [(PRODUCT, product["id"]), (PRICE, price["id"])]
    return made


def measure(base: str, objects: list[tuple[str, str]]) -> dict[str, Any]:
    from pulumi.provider.experimental.property_value import PropertyValue
    from pulumi.provider.experimental.provider import ConfigureRequest, DiffRequest, ReadRequest

    from backstop.plugin.provider.dispatcher import BackstopProvider

    provider = BackstopProvider()
    args = {
        "stripeApiKey": PropertyValue(STACK_KEY, is_secret=True),
        "stripeBaseUrl": PropertyValue(f"{base}/stripe"),
        "batchedReads": PropertyValue(True),
    }

    async def run() -> tuple[float, int]:
        await provider.configure(ConfigureRequest({}, args, True, True))
        started = time.process_time()
        changed = 0
        for kind, object_id in objects:
            name = f"{kind.rsplit(':', 1)[-1].lower()}-{object_id}"
            read = await provider.read(ReadRequest(urn(kind, name), object_id, {}, {}))
            assert read.resource_id == object_id, f"{kind} {object_id} was not read"
            diff = await provider.diff(
                DiffRequest(urn(kind, name), object_id, read.properties, read.inputs or {}, [])
            )
            changed += bool(diff.changes)
        return time.process_time() - started, changed

    cpu, changed = asyncio.run(run())
    import backstop

    return {
        "code": str(Path(backstop.__file__).parents[1]),
        "objects": len(objects),
        "cpu_ms_per_object": round(1000 * cpu / len(objects), 3),
        "changed": changed,
    }


def against(rev: str, base: str, objects: list[tuple[str, str]]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="backstop-bench-rev-") as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), rev], check=True)
        try:
            done = subprocess.run(
                [sys.executable, __file__, "--measure", base, json.dumps(objects)],
                env={**os.environ, "BENCH_CODE_ROOT": str(tree)},
                capture_output=True,
                text=True,
                check=True,
            )
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--measure":
        print(json.dumps(measure(sys.argv[2], [tuple(o) for o in json.loads(sys.argv[3])])))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--products", type=int, default=500)
    parser.add_argument("--against", help="a git revision whose plugin code to measure as well")
    options = parser.parse_args()

    from tests.support import SandboxProcess

    with tempfile.TemporaryDirectory(prefix="backstop-bench-reads-") as tmp:
        sandbox = SandboxProcess(Path(tmp) / "sandbox", persist=False)
        try:
            sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
            objects = seed(sandbox.url, options.products)
            sandbox.http.delete("/_sandbox/requests").raise_for_status()
            results = {"this checkout": measure(sandbox.url, objects)}
            results["this checkout"]["requests"] = sandbox.requests()["total"]
            if options.against:
                sandbox.http.delete("/_sandbox/requests").raise_for_status()
                results[options.against] = against(options.against, sandbox.url, objects)
                results[options.against]["requests"] = sandbox.requests()["total"]
        finally:
            sandbox.stop()
    for label, row in results.items():
        print(
            f"{label:>16}: {row['cpu_ms_per_object']:7.3f} CPU-ms per object read and diffed "
            f"({row['objects']} objects, {row['requests']} requests, {row['changed']} diffs with changes)"
        )
    if options.against:
        ratio = results[options.against]["cpu_ms_per_object"] / results["this checkout"]["cpu_ms_per_object"]
        print(f"{options.against} / this checkout: {ratio:.2f}")
    out = ROOT / "bench" / "results" / "plugin_reads.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()

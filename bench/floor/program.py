"""The floor's Pulumi program: BENCH_FLOOR_N no-op resources, BENCH_FLOOR_ENDPOINTS of them of the type a
two-phase update takes first, each with a small input, flat under the stack."""

from __future__ import annotations

import os

import pulumi

n = int(os.environ["BENCH_FLOOR_N"])
endpoints = int(os.environ.get("BENCH_FLOOR_ENDPOINTS", "0"))
for i in range(n):
    kind = "noop:index:Endpoint" if i < endpoints else "noop:index:Thing"
    pulumi.CustomResource(kind, f"r{i:05d}", {"value": f"value-{i}"})
pulumi.export("count", n)

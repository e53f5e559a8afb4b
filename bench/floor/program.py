"""The floor's Pulumi program: BENCH_FLOOR_N no-op resources, BENCH_FLOOR_ENDPOINTS of them of the type a
two-phase update takes first, each with a small input, flat under the stack. With BENCH_FLOOR_PROFILE set
to a path, the program's main thread (the SDK's event loop) is profiled by its CPU time into that file
(pstats format)."""

from __future__ import annotations

import atexit
import cProfile
import os
import time

import pulumi

if os.environ.get("BENCH_FLOOR_PROFILE"):
    profile = cProfile.Profile(time.thread_time)
    profile.enable()

    def _dump() -> None:
        profile.disable()
        profile.dump_stats(os.environ["BENCH_FLOOR_PROFILE"])

    atexit.register(_dump)

n = int(os.environ["BENCH_FLOOR_N"])
endpoints = int(os.environ.get("BENCH_FLOOR_ENDPOINTS", "0"))
for i in range(n):
    kind = "noop:index:Endpoint" if i < endpoints else "noop:index:Thing"
    pulumi.CustomResource(kind, f"r{i:05d}", {"value": f"value-{i}"})
pulumi.export("count", n)

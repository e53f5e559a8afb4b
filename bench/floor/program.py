"""The floor's Pulumi program: BENCH_FLOOR_N no-op resources, BENCH_FLOOR_ENDPOINTS of them of the type a
two-phase update takes first, each with a small input, flat under the stack. With BENCH_FLOOR_PROFILE set
to a path, the program's main thread (the SDK's event loop) is profiled by its CPU time into that file
(pstats format). With BENCH_FLOOR_OUTPUTS set, the resources are declared as Backstop's program declares
its own: under a component that registers their ids as its outputs, and exported again as a stack output
(`component` alone keeps the parent and leaves the outputs out), to measure what that shape costs."""

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
shape = os.environ.get("BENCH_FLOOR_OUTPUTS", "")
parent = pulumi.ComponentResource("noop:components:Group", "group") if shape else None
declared = {}
for i in range(n):
    kind = "noop:index:Endpoint" if i < endpoints else "noop:index:Thing"
    opts = pulumi.ResourceOptions(parent=parent)
    declared[f"r{i:05d}"] = pulumi.CustomResource(kind, f"r{i:05d}", {"value": f"value-{i}"}, opts)
if parent is not None:
    ids = {key: resource.id for key, resource in declared.items()} if shape != "component" else {}
    parent.register_outputs({"ids": ids} if ids else {})
    if ids:
        pulumi.export("ids", ids)
pulumi.export("count", n)

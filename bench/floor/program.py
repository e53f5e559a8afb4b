"""The floor's Pulumi program: BENCH_FLOOR_N no-op resources, BENCH_FLOOR_ENDPOINTS of them of the type a
two-phase update takes first, each with a small input, flat under the stack. With BENCH_FLOOR_PROFILE set
to a path, the program's main thread (the SDK's event loop) is profiled by its CPU time into that file
(pstats format). With BENCH_FLOOR_OUTPUTS set, the resources are declared as Backstop's program declares
its own: under a component that registers their ids as its outputs, and exported again as a stack output
(`component` alone keeps the parent and leaves the outputs out), to measure what that shape costs. With
BENCH_FLOOR_SHAPE set to a file bench/large_config.py writes (`state_shape`), the program declares one
resource per object of Backstop's stacks, with that object's inputs and output names, instead of N with
one input each (N is then the file's count; BENCH_FLOOR_ENDPOINTS gives way to its secret-bearing ones)."""

from __future__ import annotations

import atexit
import cProfile
import json
import os
import time

import pulumi

RESERVED = ("id", "urn")

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
if os.environ.get("BENCH_FLOOR_SHAPE"):
    # Backstop's objects as its state holds them: each input as the program sends it, each output-only
    # property declared (None) as Backstop's resources declare theirs, secret outputs marked secret.
    with open(os.environ["BENCH_FLOOR_SHAPE"]) as file:
        objects = json.load(file)["resources"]
    for obj in objects:
        kind = "noop:index:Endpoint" if obj["secret_bearing"] else "noop:index:Thing"
        secret_inputs = set(obj["secret_inputs"])
        props = {
            k: pulumi.Output.secret(v) if k in secret_inputs else v
            for k, v in obj["inputs"].items()
            if k not in RESERVED
        }
        props.update({k: None for k in obj["outputs"] if k not in props and k not in RESERVED})
        secret = pulumi.ResourceOptions(parent=parent, additional_secret_outputs=obj["secret_outputs"])
        declared[obj["name"]] = pulumi.CustomResource(kind, obj["name"], props, secret)
    n = len(objects)
else:
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

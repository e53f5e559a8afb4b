"""Set-up the scale benchmarks share: desired-state documents of a given size, scenario A on the sandbox,
timed engine runs with their request counts, and peak-memory sampling of the engine's processes."""

from __future__ import annotations

import copy
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from backstop.runbook.adopt import phases
from tests.support import ROOT, VENV_BIN, Engine, SandboxProcess

TEAM = "team_derrimut"
PROJECT = "prj_DerrimutPlatformSandbox00001"
STACKS = ("staging", "prod")
"""In the order they are applied and restored: prod's preview variables read staging's outputs."""


@contextmanager
def derrimut_applied(work: Path) -> Iterator[Engine]:
    """A private in-memory sandbox seeded with the derrimut fixture, and an engine on a project copy with
    staging and prod applied (`backstop up`); the sandbox stops afterwards."""
    sandbox = SandboxProcess(work / "sandbox", persist=False)
    try:
        sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
        engine = Engine(home=work / "engine", sandbox=sandbox)
        engine.use_project_copy()
        for stack in STACKS:
            engine.init_stack(stack)
            engine.backstop("up", "--stack", stack)
        yield engine
    finally:
        sandbox.stop()


@dataclass(frozen=True)
class Size:
    """What the prod document declares beyond the derrimut fixture's objects, as totals."""

    name: str
    products: int = 0
    prices: int = 0
    stripe_endpoints: int = 0
    svix_endpoints: int = 0
    env_vars: int = 0

    def scaled(self, factor: float, name: str) -> Size:
        def n(count: int) -> int:
            return max(1, round(count * factor))

        return Size(
            name,
            products=n(self.products),
            prices=n(self.prices),
            stripe_endpoints=n(self.stripe_endpoints),
            svix_endpoints=n(self.svix_endpoints),
            env_vars=n(self.env_vars),
        )


DERRIMUT = Size("derrimut")
LARGE = Size("large", products=1000, prices=3000, stripe_endpoints=16, svix_endpoints=34, env_vars=500)
HALF = LARGE.scaled(0.5, "half")

# Documented rate limits (sandbox/README.md), requests per second, by vendor and stack.
RATE_LIMITS: dict[str, dict[str, float]] = {
    "prod": {"stripe": 100.0, "clerk": 100.0},
    "staging": {"stripe": 25.0, "clerk": 10.0},
}


def _yaml() -> YAML:
    yaml = YAML()
    yaml.width = 4096
    return yaml


def write_documents(folder: Path, size: Size) -> dict[str, int]:
    """Copies of snapshots/{staging,prod}.yaml in `folder`, prod grown to `size`; objects per stack."""
    folder.mkdir(parents=True, exist_ok=True)
    yaml = _yaml()
    counts: dict[str, int] = {}
    for stack in STACKS:
        data = yaml.load((ROOT / "snapshots" / f"{stack}.yaml").read_text())
        if stack == "prod" and size != DERRIMUT:
            _grow(data, size)
        with (folder / f"{stack}.yaml").open("w") as fh:
            yaml.dump(data, fh)
        counts[stack] = managed_objects(data)
    return counts


def managed_objects(data: dict[str, Any]) -> int:
    """Objects the document declares (each a resource; the per-vendor singletons are counted too)."""
    stripe = data.get("stripe") or {}
    clerk = data.get("clerk") or {}
    vapi = data.get("vapi") or {}
    vercel = data.get("vercel") or {}
    products = stripe.get("products") or []
    total = len(stripe.get("webhook_endpoints") or []) + len(products)
    total += sum(len(p.get("prices") or []) for p in products)
    for name in ("redirect_urls", "jwt_templates", "allowlist_identifiers", "webhook_endpoints"):
        total += len(clerk.get(name) or [])
    total += sum(
        1 for name in ("organization_settings", "instance_settings", "instance_restrictions") if name in clerk
    )
    total += sum(len(vapi.get(name) or []) for name in ("tools", "assistants", "squads"))
    total += sum(len(p.get("env") or []) for p in vercel.get("projects") or [])
    return total


def _grow(data: dict[str, Any], size: Size) -> None:
    stripe, clerk = data["stripe"], data["clerk"]
    endpoints = stripe["webhook_endpoints"]
    for i in range(len(endpoints), size.stripe_endpoints):
        endpoints.append(
            {
                "key": f"bench-{i}",
                "url": f"https://bench-{i}.derrimut247.com.au/api/webhooks/stripe",
                "description": f"Bench endpoint {i}",
                "enabled_events": ["invoice.paid", "charge.refunded"],
            }
        )
    products = stripe["products"]
    extra_products = size.products - len(products)
    extra_prices = size.prices - sum(len(p["prices"]) for p in products)
    for i in range(extra_products):
        # Prices spread evenly over the new products (3 each at full size).
        share = extra_prices // extra_products + (1 if i < extra_prices % extra_products else 0)
        products.append(
            {
                "key": f"bench-{i}",
                "id": f"bench-{i}",
                "name": f"Bench product {i}",
                "metadata": {"tier": "bench"},
                "prices": [
                    {
                        "key": f"p{j}",
                        "lookup_key": f"bench-{i}-{j}",
                        "currency": "aud",
                        "unit_amount": 1000 + j,
                        "recurring": {"interval": "month"},
                    }
                    for j in range(share)
                ],
            }
        )
    hooks = clerk["webhook_endpoints"]
    for i in range(len(hooks), size.svix_endpoints):
        hooks.append(
            {
                "key": f"bench-{i}",
                "url": f"https://bench-{i}.convex.site/clerk-users-webhook",
                "description": f"Bench users sync {i}",
                "event_types": ["user.created", "user.updated"],
            }
        )
    env = data["vercel"]["projects"][0]["env"]
    for i in range(len(env), size.env_vars):
        env.append(
            {
                "key": f"bench-{i}",
                "name": f"BENCH_SETTING_{i}",
                "targets": ["production", "preview", "development"],
                "value": f"bench-value-{i}",
            }
        )


def scenario_a(state: dict[str, Any]) -> dict[str, Any]:
    """Every object either stack manages deleted, in every vendor (the sandbox's dump → edit → load)."""
    broken = copy.deepcopy(state)
    for account in broken.get("stripe", {}).values():
        for name in ("webhook_endpoints", "products", "prices"):
            account[name] = {}
    for instance in broken.get("clerk", {}).values():
        for name in ("redirect_urls", "jwt_templates", "allowlist_identifiers"):
            instance[name] = {}
    for instance in broken.get("svix", {}).values():
        instance["endpoints"] = {}
        for record in instance.get("endpoint_order", {}).values():
            record["ids"] = []
    for org in broken.get("vapi", {}).values():
        for name in ("tools", "assistants", "squads"):
            org[name] = {}
    broken["vercel"][TEAM]["projects"][PROJECT]["env"] = []
    return broken


def bench_env(latency_ms: int, rate_limits: bool, sandbox: SandboxProcess) -> None:
    sandbox.http.delete("/_sandbox/faults").raise_for_status()
    sandbox.http.delete("/_sandbox/ratelimits").raise_for_status()
    if latency_ms:
        sandbox.http.post(
            "/_sandbox/faults", json={"kind": "latency", "latency_ms": latency_ms}
        ).raise_for_status()
    if rate_limits:
        sandbox.http.post("/_sandbox/ratelimits", json={"enabled": True}).raise_for_status()


@dataclass
class Peaks:
    """Peak RSS (VmHWM, KiB) seen per process kind while a command ran."""

    kib: dict[str, int] = field(default_factory=dict)
    cpu: dict[str, dict[int, float]] = field(default_factory=dict)
    """CPU-seconds (user + system) per process of each kind, as last read (the final ~0.1 s of each
    process's life is not seen)."""

    def mib(self, kind: str) -> float:
        return round(self.kib.get(kind, 0) / 1024, 1)

    def cpu_seconds(self) -> dict[str, float]:
        return {kind: round(sum(pids.values()), 2) for kind, pids in sorted(self.cpu.items())}


def _kind(cmdline: list[str]) -> str | None:
    if not cmdline:
        return None
    if os.path.basename(cmdline[0]) == "pulumi":
        return "pulumi"
    joined = " ".join(cmdline)
    if "backstop.plugin.provider" in joined:
        return "plugin"
    if "sandbox.vercel_plugin" in joined:
        return "vercel_plugin"
    if "pulumi-language-python-exec" in joined:
        return "program"
    if os.path.basename(cmdline[0]) == "pulumi-language-python":
        return "language_host"
    if any(os.path.basename(c) == "backstop" for c in cmdline[:2]):
        return "backstop"
    return None


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, from /proc (Linux); OSError once it is gone."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in found:
                found.add(child)
                frontier.append(child)
    return found


def _sample(root: int, peaks: Peaks, stop: threading.Event) -> None:
    while not stop.is_set():
        for pid in _children(root):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
                status = Path(f"/proc/{pid}/status").read_text()
                used = cpu_seconds(pid)
            except OSError:
                continue
            kind = _kind([c for c in cmdline if c])
            if kind is None:
                continue
            peaks.cpu.setdefault(kind, {})[pid] = used
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    peaks.kib[kind] = max(peaks.kib.get(kind, 0), int(line.split()[1]))
        stop.wait(0.1)


@dataclass
class Run:
    label: str
    stack: str
    seconds: float
    requests: int
    by_vendor: dict[str, int]
    peaks: Peaks

    def floor_seconds(self) -> float:
        """Requests ÷ rate limit: the vendors are called concurrently, so the slowest bucket sets it."""
        limits = RATE_LIMITS[self.stack]
        return round(max((n / limits[v] for v, n in self.by_vendor.items() if v in limits), default=0.0), 2)


def timed(engine: Engine, label: str, stack: str, args: list[str], env: dict[str, str]) -> Run:
    """Runs `pulumi ARGS` (or `backstop ARGS` when args[0] is "backstop") and counts its API calls."""
    engine.sandbox.http.delete("/_sandbox/requests").raise_for_status()
    if args[0] == "backstop":
        command = [str(VENV_BIN / "backstop"), *args[1:]]
        full_env = {"BACKSTOP_BACKUPS_DIR": str(engine.home / "backups"), **engine.env(), **env}
    else:
        command = [str(VENV_BIN / "pulumi"), *args, "--non-interactive"]
        full_env = {**engine.env(), **env}
    peaks, stop = Peaks(), threading.Event()
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=engine.project, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    sampler = threading.Thread(target=_sample, args=(process.pid, peaks, stop), daemon=True)
    sampler.start()
    output, _ = process.communicate(timeout=3600)
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"{label} ({' '.join(args)}) exited {process.returncode}:\n{output[-4000:]}")
    summary = engine.sandbox.requests()
    return Run(label, stack, round(seconds, 2), int(summary["total"]), dict(summary["by_vendor"]), peaks)


SECRET_SIG = "4dabf18193072939515e22adb298388d"
"""The key Pulumi's state marks an encrypted value with."""


def state_shape(engine: Engine, stacks: tuple[str, ...]) -> dict[str, Any]:
    """Every managed object of `stacks` as the state holds it (type, inputs, outputs), secret values
    replaced by a placeholder of their kind: what bench/engine_floor.py --shape declares to no-op resources
    so the engine's floor carries the same data as Backstop's stacks."""
    resources = []
    for stack in stacks:
        for res in engine.export(stack)["deployment"].get("resources") or []:
            if not res.get("custom") or res["type"].startswith("pulumi:providers:"):
                continue
            secrets: set[str] = set()
            outputs = {k: _plain(v, k, secrets) for k, v in (res.get("outputs") or {}).items()}
            secret_inputs: set[str] = set()
            inputs = {k: _plain(v, k, secret_inputs) for k, v in (res.get("inputs") or {}).items()}
            resources.append(
                {
                    "name": f"{stack}-{res['urn'].rsplit('::', 1)[-1]}",
                    "secret_bearing": phases.secret_bearing(res["urn"]),
                    "inputs": inputs,
                    "outputs": outputs,
                    "secret_outputs": sorted(secrets),
                    "secret_inputs": sorted(secret_inputs),
                }
            )
    return {"resources": resources}


def _plain(value: Any, key: str, secrets: set[str]) -> Any:
    if isinstance(value, dict):
        if SECRET_SIG in value:
            secrets.add(key)
            return "whsec_" + "0" * 32
        return {k: _plain(v, key, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, key, secrets) for v in value]
    return value

"""Helpers the tests share: a sandbox server process and a runner for the real Pulumi engine."""

from __future__ import annotations

import atexit
import functools
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from sandbox.process import spawn, stop
from sandbox.vercel_plugin.install import install as install_vercel_plugin

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
PASSPHRASE = "backstop-sandbox-demo"
STRIPE_STAGING_KEY = "sk_test_sandbox_derrimut_staging"
STRIPE_PROD_KEY = "sk_live_sandbox_derrimut_prod"
SESSION_ROUTES = ("clerk POST /v1/webhooks/svix_url", "svix POST /api/v1/auth/one-time-token")
"""Mutating requests that change no configuration: Clerk's App Portal link and its one-time-token exchange."""


class SandboxProcess:
    """`backstop sandbox serve` on a free port, as a user would start it."""

    def __init__(self, workdir: Path, seed: int | None = None, persist: bool = True) -> None:
        self.workdir = workdir
        self.process, self.port = spawn(workdir, seed, persist=persist)
        self.url = f"http://127.0.0.1:{self.port}"
        self.http = httpx.Client(base_url=self.url, timeout=30)

    def stop(self) -> None:
        self.http.close()
        stop(self.process)

    # Control API
    def reset(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(f"the sandbox exited ({self.process.returncode}): {self.log_tail()}")
        self.http.post("/_sandbox/reset").raise_for_status()

    def log_tail(self, size: int = 4000) -> str:
        log = self.workdir / "sandbox.log"
        return log.read_text()[-size:] if log.exists() else ""

    def dump(self) -> dict[str, Any]:
        response = self.http.get("/_sandbox/dump")
        response.raise_for_status()
        data: dict[str, Any] = response.json()
        return data

    def load(self, data: dict[str, Any]) -> None:
        self.http.post("/_sandbox/load", content=json.dumps(data)).raise_for_status()

    def requests(self) -> dict[str, Any]:
        data: dict[str, Any] = self.http.get("/_sandbox/requests").json()
        return data

    def config_writes(self) -> int:
        """Mutating requests so far, App Portal sign-ins aside (they only open a Svix session), and so are
        doctor's Stripe write probes (see `writes`)."""
        summary = self.requests()
        sessions = sum(int(summary["by_route"].get(route, 0)) for route in SESSION_ROUTES)
        return int(summary["mutating"]) - sessions - _write_probes(summary)

    def writes(self) -> int:
        """Mutating requests so far, less doctor's Stripe write probes, which a restore's preflight sends
        too: empty creates that Stripe refuses (400, or 403 for a key without the permission) before
        writing anything."""
        summary = self.requests()
        return int(summary["mutating"]) - _write_probes(summary)

    def stripe_objects(self, account: str, collection: str) -> dict[str, dict[str, Any]]:
        objects: dict[str, dict[str, Any]] = (
            self.dump().get("stripe", {}).get(account, {}).get(collection, {})
        )
        return objects


def _write_probes(summary: dict[str, Any]) -> int:
    return sum(
        1
        for e in summary["requests"]
        if e["vendor"] == "stripe" and e["method"] == "POST" and e["status"] in (400, 403)
    )


@dataclass
class Result:
    args: list[str]
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


CPU_LOG = os.environ.get("BACKSTOP_TEST_CPU_LOG")
"""A file to append one JSON line per engine or `backstop` command to: the test, the command, and the
CPU-seconds of its whole process tree (bench/README.md, "CPU per command, and where the test suite's CPU
goes")."""


def children_cpu() -> float:
    """User + system CPU-seconds of every child this process has waited for (what `/usr/bin/time` adds up)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _run(
    command: list[str], cwd: Path, env: dict[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    if not CPU_LOG:
        return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    before, started = children_cpu(), time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    cpu = children_cpu() - before
    line = {
        "test": os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0],
        "command": [Path(command[0]).name, *command[1:4]],
        "cpu": round(cpu, 3),
        "wall": round(time.perf_counter() - started, 3),
    }
    with open(CPU_LOG, "a") as log:
        log.write(json.dumps(line) + "\n")
    return done


@functools.cache
def project_copy(copy: Path) -> Path:
    """The Pulumi project's files copied to `copy` (backups left out); the virtualenv, tools and engine
    shared through symlinks. Commands given BACKSTOP_PROJECT_DIR=copy work there."""
    copy.mkdir()
    for name in ("Pulumi.yaml", "__main__.py", "approvals.yaml"):
        shutil.copy2(ROOT / name, copy / name)
    for config in ROOT.glob("Pulumi.*.yaml"):
        shutil.copy2(config, copy / config.name)
    for folder in ("components", "snapshots", "mappings", "bin"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("backups", "__pycache__"))
    for shared in (".venv", ".tools", "toolchain"):
        if (ROOT / shared).exists():
            (copy / shared).symlink_to(ROOT / shared)
    from tests.approvers import write_approvals  # (it reads ROOT from here)

    # The test run's keys, and prod unprotected: a test of something else changes prod without a signed
    # approval each time; `Engine.protect_prod` puts the committed rules back (tests/approvals, restore, db).
    write_approvals(copy, protect_prod=False)
    return copy


def vercel_plugin_home() -> Path:
    """A PULUMI_HOME holding the offline vercel plugin double, installed once per test process."""
    home = Path(tempfile.mkdtemp(prefix="backstop-vercel-plugin-")) / "pulumi-home"
    atexit.register(shutil.rmtree, home.parent, True)
    install_vercel_plugin(home)
    return home


def with_vercel_plugin(pulumi_home: Path) -> Path:
    """Gives `pulumi_home` the plugin double by copying the installed one (a launcher and a lock file)."""
    shutil.copytree(vercel_plugin_home() / "plugins", pulumi_home / "plugins", dirs_exist_ok=True)
    return pulumi_home


@dataclass
class Engine:
    """Runs the pinned `pulumi` CLI on the project, with its own backend and PULUMI_HOME (which has the
    offline vercel plugin double, as the sandbox's PULUMI_HOME has)."""

    home: Path
    sandbox: SandboxProcess
    extra_env: dict[str, str] = field(default_factory=dict)
    transcript: list[Result] = field(default_factory=list)
    project: Path = ROOT
    """The Pulumi project the engine and `backstop` run on (a copy when a test writes stack config)."""

    def use_project_copy(self) -> Path:
        """Run on a copy of the project, so commands that write Pulumi.<stack>.yaml leave the repo alone."""
        copy = project_copy(self.home / "project")
        self.project = copy
        self.extra_env["BACKSTOP_PROJECT_DIR"] = str(copy)
        return copy

    def protect_prod(self) -> None:
        """The committed approval rules (prod needs a signed approval) with the test run's keys."""
        from tests.approvers import write_approvals

        assert self.project != ROOT, "the project copy's approvals.yaml, never the repository's"
        write_approvals(self.project, protect_prod=True)

    def __post_init__(self) -> None:
        with_vercel_plugin(self.pulumi_home)

    @property
    def pulumi_home(self) -> Path:
        return self.home / "pulumi-home"

    @property
    def backend(self) -> Path:
        return self.home / "backend"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "BACKSTOP_"))}
        env.update(
            PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
            PULUMI_HOME=str(self.pulumi_home),
            PULUMI_BACKEND_URL=f"file://{self.backend}",
            PULUMI_CONFIG_PASSPHRASE=PASSPHRASE,
            PULUMI_SKIP_UPDATE_CHECK="true",
            PULUMI_PYTHON_CMD=str(ROOT / "bin" / "pulumi-python"),  # as `backstop` runs the engine
            PIP_DISABLE_PIP_VERSION_CHECK="1",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
            BACKSTOP_STRIPE_BASE_URL=f"{self.sandbox.url}/stripe",
            BACKSTOP_CLERK_BASE_URL=f"{self.sandbox.url}/clerk/v1",
            BACKSTOP_CLERK_FRONTEND_BASE_URL=f"{self.sandbox.url}/clerk-frontend",
            BACKSTOP_SVIX_BASE_URL=f"{self.sandbox.url}/svix",
            BACKSTOP_VAPI_BASE_URL=f"{self.sandbox.url}/vapi",
            BACKSTOP_VERCEL_BASE_URL=f"{self.sandbox.url}/vercel",
            BACKSTOP_CONVEX_BASE_URL=f"{self.sandbox.url}/convex",
            # `backstop check` (and a restore's checks) deliver to the sandbox's apps, never the internet.
            BACKSTOP_DELIVERY_BASE_URL=f"{self.sandbox.url}/apps",
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    def pulumi(self, *args: str, ok: tuple[int, ...] = (0,), timeout: float = 300) -> Result:
        self.backend.mkdir(parents=True, exist_ok=True)
        command = [str(VENV_BIN / "pulumi"), *args, "--non-interactive"]
        done = _run(command, self.project, self.env(), timeout)
        result = Result(command, done.returncode, done.stdout, done.stderr)
        self.transcript.append(result)
        if done.returncode not in ok:
            raise AssertionError(f"{' '.join(args)} exited {done.returncode}:\n{result.output[-6000:]}")
        return result

    def backstop(
        self, *args: str, ok: tuple[int, ...] = (0,), timeout: float = 300, columns: int = 200
    ) -> Result:
        """The `backstop` command, as a user runs it, with this engine's environment (a terminal
        `columns` wide)."""
        self.backend.mkdir(parents=True, exist_ok=True)
        command = [str(VENV_BIN / "backstop"), *args]
        done = _run(command, self.project, {**self.backstop_env(), "COLUMNS": str(columns)}, timeout)
        result = Result(command, done.returncode, done.stdout, done.stderr)
        self.transcript.append(result)
        if done.returncode not in ok:
            raise AssertionError(
                f"backstop {' '.join(args)} exited {done.returncode}:\n{result.output[-6000:]}"
            )
        return result

    def backstop_env(self) -> dict[str, str]:
        """`env()` plus where this engine's `backstop` commands keep backups, store copies and the audit log."""
        return {
            "BACKSTOP_BACKUPS_DIR": str(self.home / "backups"),
            "BACKSTOP_STORE_URL": str(self.home / "store"),
            "BACKSTOP_AUDIT_LOG": str(self.home / "audit-log.jsonl"),
            **self.env(),
        }

    def init_stack(self, stack: str) -> None:
        self.pulumi("stack", "init", stack)

    def export(self, stack: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.pulumi("stack", "export", "--stack", stack).stdout)
        return data

    def all_output(self) -> str:
        return "\n".join(r.output for r in self.transcript)

    def files_containing(self, needle: str) -> list[Path]:
        hits = []
        for path in self.home.rglob("*"):
            if path.is_file() and needle.encode() in path.read_bytes():
                hits.append(path)
        return hits


class S3Server:
    """Versity's S3 gateway (pinned in toolchain/versitygw, built by `make setup`) serving a folder as S3
    on a free port: a real S3 server for the backup store. `stop()` ends it."""

    ACCESS_KEY, SECRET_KEY, REGION = "backstoptests", "backstop-tests-secret-key", "us-east-1"

    def __init__(self, root: Path) -> None:
        binary = VENV_BIN / "versitygw"
        if not binary.exists():
            raise RuntimeError(f"{binary} is missing: run `make setup` (toolchain/build.sh builds it)")
        self.root = root / "s3-data"
        self.root.mkdir(parents=True, exist_ok=True)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.log = (root / "versitygw.log").open("w")
        self.process = subprocess.Popen(
            [str(binary), "--port", f"127.0.0.1:{port}", "posix", str(self.root)],
            env={
                "PATH": os.environ.get("PATH", ""),
                "ROOT_ACCESS_KEY": self.ACCESS_KEY,
                "ROOT_SECRET_KEY": self.SECRET_KEY,
            },
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        f"versitygw did not start: {(root / 'versitygw.log').read_text()}"
                    ) from None
                time.sleep(0.1)

    def env(self) -> dict[str, str]:
        """boto3's own variables, as a user points Backstop at an S3-compatible store."""
        return {
            "AWS_ENDPOINT_URL_S3": self.url,
            "AWS_ACCESS_KEY_ID": self.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": self.SECRET_KEY,
            "AWS_REGION": self.REGION,
        }

    def create_bucket(self, name: str) -> None:
        import boto3

        boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id=self.ACCESS_KEY,
            aws_secret_access_key=self.SECRET_KEY,
            region_name=self.REGION,
        ).create_bucket(Bucket=name)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def python() -> str:
    return str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable


def which(name: str) -> str | None:
    return shutil.which(name, path=str(VENV_BIN))

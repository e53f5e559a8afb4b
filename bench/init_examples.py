"""`backstop init` on the two sandbox examples, in one run: wall time and the API calls each made.

Run: .venv/bin/python bench/init_examples.py
A private sandbox and engine home; per example, the fixture alone in the sandbox, its credentials alone in
the environment, and `init --stack staging --force --non-interactive --secrets-provider passphrase` on a
copy of the project (as tests/commands/test_init*.py do). Kestrel's first run stops for its sensitive
Vercel value (measured too), which is then set from standard input before the run that adopts. Writes
bench/results/init_examples.json.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from sandbox.core.accounts import keys
from tests.support import ROOT, VENV_BIN, Engine, SandboxProcess

RESULTS = ROOT / "bench" / "results"
COMMON = ("--stack", "staging", "--force", "--non-interactive", "--secrets-provider", "passphrase")
EXAMPLES: dict[str, dict[str, Any]] = {
    "derrimut": {
        "env": {
            "BACKSTOP_STRIPE_API_KEY": keys("stripe")["acct_derrimut_staging"],
            "BACKSTOP_CLERK_SECRET_KEY": keys("clerk")["ins_derrimut_staging"],
            "BACKSTOP_VAPI_API_KEY": keys("vapi")["org_derrimut"],
        },
        "flags": ("--vapi-prefix", "staging-", "--vendors", "stripe,clerk,vapi"),
    },
    "kestrel": {
        "env": {
            "BACKSTOP_STRIPE_API_KEY": keys("stripe")["acct_kestrel_staging"],
            "BACKSTOP_CLERK_SECRET_KEY": keys("clerk")["ins_kestrel_staging"],
            "VERCEL_API_TOKEN": keys("vercel")["team_kestrel"],
        },
        "flags": (
            "--vercel-team",
            "team_kestrel",
            "--vercel-project",
            "prj_KestrelWebSandbox000000001",
            "--vercel-project",
            "prj_KestrelAdminSandbox00000001",
        ),
        "secrets": {
            "platform-config:vercel-database-url-preview": "postgres://kestrel:sandbox-not-real@db.invalid/kestrel"
        },
    },
}


def _calls(sandbox: SandboxProcess) -> dict[str, Any]:
    summary = sandbox.requests()
    return {k: summary[k] for k in ("total", "mutating", "by_vendor")} | {
        "mutations": {r: n for r, n in summary["by_route"].items() if r.split()[1] != "GET"}
    }


def _run(
    engine: Engine, sandbox: SandboxProcess, args: tuple[str, ...], ok: tuple[int, ...]
) -> dict[str, Any]:
    sandbox.http.delete("/_sandbox/requests").raise_for_status()
    started = time.perf_counter()
    engine.backstop("init", *args, ok=ok, timeout=600)
    return {"seconds": round(time.perf_counter() - started, 1), **_calls(sandbox)}


def measure(home: Path) -> dict[str, Any]:
    sandbox = SandboxProcess(home / "sandbox")
    results: dict[str, Any] = {}
    try:
        for name, example in EXAMPLES.items():
            sandbox.reset()
            sandbox.http.post(f"/_sandbox/fixtures/{name}").raise_for_status()
            engine = Engine(home=home / name, sandbox=sandbox)
            engine.use_project_copy()
            engine.extra_env.update(example["env"])
            args = (*COMMON, *example["flags"])
            runs: dict[str, Any] = {}
            if example.get("secrets"):
                runs["stops for what it can't read"] = _run(engine, sandbox, args, (2,))
                for key, value in example["secrets"].items():
                    subprocess.run(
                        [str(VENV_BIN / "pulumi"), "config", "set", "--secret", key, "--stack", "staging"],
                        input=value,
                        text=True,
                        check=True,
                        cwd=engine.project,
                        env=engine.env(),
                        capture_output=True,
                    )
            runs["adopts and backs up"] = _run(engine, sandbox, args, (0,))
            results[name] = runs
    finally:
        sandbox.stop()
    return results


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        results = measure(Path(folder))
    print(f"{'example':<10} {'run':<30} {'seconds':>8} {'API calls':>10} {'mutating':>9}")
    for name, runs in results.items():
        for run, found in runs.items():
            print(f"{name:<10} {run:<30} {found['seconds']:>8} {found['total']:>10} {found['mutating']:>9}")
            for mutation, count in found["mutations"].items():
                print(f"{'':<42} {count} x {mutation}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "init_examples.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

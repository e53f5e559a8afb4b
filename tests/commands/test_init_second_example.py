"""A second team, so nothing quietly depends on derrimut's shape: Kestrel Physio (sandbox fixture `kestrel`),
with no Vapi, two Vercel projects, a sensitive variable, and one-time, recurring and metered prices.

The first day as the README has it: init stops for the value Backstop can't read, the team sets it, init
adopts everything with the live objects unchanged and takes the first backup; the refresh preview and drift
are clean; drill A (every object gone) restores it exactly, the meter before the price that counts with it.
"""

from __future__ import annotations

import json
import re
import subprocess
from typing import Any

import pytest

from sandbox.core.accounts import keys
from tests.support import VENV_BIN, Engine, SandboxProcess

pytestmark = pytest.mark.e2e
WEB, ADMIN = "prj_KestrelWebSandbox000000001", "prj_KestrelAdminSandbox00000001"
FLAGS = ("--vercel-team", "team_kestrel", "--vercel-project", WEB, "--vercel-project", ADMIN)
DATABASE_URL = "postgres://kestrel:sandbox-not-real@db.invalid/kestrel"
"""The fixture's one sensitive value: the team knows it, no API returns it."""


def credentials() -> dict[str, str]:
    return {
        "BACKSTOP_STRIPE_API_KEY": keys("stripe")["acct_kestrel_staging"],
        "BACKSTOP_CLERK_SECRET_KEY": keys("clerk")["ins_kestrel_staging"],
        "VERCEL_API_TOKEN": keys("vercel")["team_kestrel"],
    }


def configuration(sandbox: SandboxProcess) -> dict[str, Any]:
    """Kestrel's live configuration: ids and values of every object (Svix sessions and the uid an adopted
    endpoint gets are not configuration)."""
    dump = sandbox.dump()
    svix = dict(dump["svix"]["ins_kestrel_staging"])
    for name in ("api_tokens", "one_time_tokens"):
        svix.pop(name, None)
    for endpoint in svix.get("endpoints", {}).values():
        endpoint.pop("uid", None)
        endpoint.pop("updatedAt", None)
    return {
        "stripe": dump["stripe"]["acct_kestrel_staging"],
        "clerk": dump["clerk"]["ins_kestrel_staging"],
        "svix": svix,
        "vercel": {
            project_id: sorted(
                (var["key"], var["type"], tuple(var["target"]), var["id"], var.get("value"))
                for var in project["env"]
            )
            for project_id, project in dump["vercel"]["team_kestrel"]["projects"].items()
        },
    }


def set_secret(engine: Engine, key: str, value: str) -> None:
    """As the README says to: the value on standard input, never on the command line."""
    done = subprocess.run(
        [str(VENV_BIN / "pulumi"), "config", "set", "--secret", key, "--stack", "staging"],
        input=value,
        cwd=engine.project,
        env=engine.env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def test_another_team_goes_from_zero_to_a_clean_drill(engine: Engine, sandbox: SandboxProcess) -> None:
    sandbox.http.post("/_sandbox/fixtures/kestrel").raise_for_status()
    engine.extra_env.update(credentials())
    before = configuration(sandbox)
    args: tuple[str, ...] = ("init", "--stack", "staging", *FLAGS, "--force", "--non-interactive")
    args += ("--secrets-provider", "passphrase")

    stopped = engine.backstop(*args, ok=(2,)).stderr
    asked = re.findall(r"pulumi config set --secret (\S+) <value> --stack staging", stopped)
    assert asked == ["platform-config:vercel-database-url-preview"], stopped
    assert configuration(sandbox) == before, "init changed something live before it had every value"
    set_secret(engine, asked[0], DATABASE_URL)

    done = json.loads(engine.backstop(*args, "--json").stdout)
    assert done["vendors"] == ["stripe", "clerk", "vercel"]
    assert any("vapi" in notice and "BACKSTOP_VAPI_API_KEY" in notice for notice in done["left_out"])
    assert configuration(sandbox) == before, "init changed something live"
    document = (engine.project / "snapshots" / "staging.yaml").read_text()
    assert "event_name: telehealth_minutes" in document and "meter: telehealth-minutes" in document
    assert "derrimut" not in document and "vapi" not in document
    for secret in [*credentials().values(), DATABASE_URL]:
        assert secret not in engine.all_output() and not engine.files_containing(secret)

    for key in credentials():  # from here on, the stack's own config holds the keys
        engine.extra_env.pop(key)
    engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", "staging")
    assert engine.backstop("drift", "--stack", "staging").code == 0

    engine.extra_env["BACKSTOP_SANDBOX_URL"] = sandbox.url
    drilled = json.loads(engine.backstop("drill", "--stack", "staging", "--scenario", "A", "--json").stdout)[
        "report"
    ]
    assert drilled["restored_exactly"] is True, drilled["differences"]
    broken = " ".join(drilled["broken"])
    assert "billing_meters: 1 deleted" in broken and "prices: 6 deleted" in broken
    assert f"vercel {WEB}" in broken and f"vercel {ADMIN}" in broken

    engine.extra_env.update(credentials())
    settled = configuration(sandbox)
    narrowed = engine.backstop(*args, "--vendors", "stripe,clerk", ok=(2,)).stderr
    assert "init stopped before changing anything" in narrowed, narrowed
    assert "delete vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable" in narrowed
    assert configuration(sandbox) == settled, "a stopped init changed something live"

"""`backstop drill --live`: the monthly test in the stack's real services. Here "live" is a sandbox the drill
is not told about (base URLs only, no BACKSTOP_SANDBOX_URL), so the same code path runs as against the real
staging: broken through the vendors' public APIs, restored, verified; refused on prod and without a name;
a failed restore retried from the safety backup, with the command to finish by hand when that fails too."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import pytest

from tests.rewind import module_engine
from tests.support import Engine, SandboxProcess

pytestmark = pytest.mark.e2e
Json = dict[str, Any]
LIVE = ("drill", "--stack", "staging", "--live", "--approved-by", "Sam Dev", "--json")
CREATE_REDIRECT_URL = {
    "vendor": "clerk",
    "method": "POST",
    "route": "/v1/redirect_urls",
    "kind": "status",
    "status": 422,
}
"""Only a restore creates redirect URLs (doctor's write probes are Stripe's)."""


@pytest.fixture(scope="module")
def staging(sandbox_server: SandboxProcess, tmp_path_factory: pytest.TempPathFactory) -> Engine:
    engine = module_engine(tmp_path_factory.mktemp("live"), sandbox_server)
    engine.protect_prod()
    sandbox_server.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    engine.init_stack("staging")
    engine.init_stack("prod")
    engine.backstop("up", "--stack", "staging")
    return engine


def drill(engine: Engine, *args: str, ok: tuple[int, ...] = (0,)) -> Json:
    result: Json = json.loads(engine.backstop(*args, ok=ok).stdout)
    return result


@pytest.mark.parametrize(
    ("scenario", "kinds", "route"),
    [
        (
            "D",
            {"WebhookEndpoint", "RedirectUrl", "Squad", "Assistant", "Tool"},
            "stripe DELETE /v1/webhook_endpoints/{webhook_endpoint}",
        ),
        ("B", {"WebhookEndpoint", "Product", "Assistant", "database"}, "stripe POST /v1/products/{id}"),
    ],
)
def test_a_live_drill_breaks_through_the_public_apis_and_restores_exactly(
    staging: Engine, sandbox_server: SandboxProcess, scenario: str, kinds: set[str], route: str
) -> None:
    live = sandbox_server
    live.http.delete("/_sandbox/requests").raise_for_status()
    data_before = _tables(live)
    logged = len(_audit(staging))

    done = drill(staging, *LIVE, "--scenario", scenario)

    report = done["report"]
    assert done["ok"] is True and report["restored_exactly"] is True, report
    assert report["failures"] == [] and report["rehearsal"] is None
    assert report["live"]["approved_by"] == "Sam Dev" and report["live"]["second_attempt"] is None
    assert report["live"]["rto_target_seconds"] == 1800
    assert 0 < report["live"]["rto_seconds"] < report["total_seconds"] + 1
    assert report["live"]["safety_backup"].startswith("staging-")
    assert {line.split()[0] for line in report["broken"]} == kinds, report["broken"]
    assert live.requests()["by_route"].get(route), "broken through the vendor's public API"
    assert _tables(live) == data_before
    if scenario == "B":
        # The database too, by an import through the deployment's API, and restored by `db restore`.
        assert "database table memberships: 2 documents corrupted, 1 deleted" in report["broken"]
        assert report["database_table"] == "memberships"
        assert report["database_backup_id"].startswith("staging-db-")
        assert "the database export differs in 1 table(s)" in report["phases"][0]["detail"]
        imports = [r for r in live.requests()["by_route"] if "import" in r]
        assert imports, live.requests()["by_route"]
    else:
        assert report["database_backup_id"] is None, "scenario D has no database side"
    assert "live, in the stack's real services" in Path(done["files"][1]).read_text()
    history = (staging.home / "backups" / "staging" / "history.jsonl").read_text().splitlines()
    last = json.loads(history[-1])
    assert (last["kind"], last["ok"], last["details"]["live"]) == ("drill", True, True)
    status = json.loads(staging.backstop("status", "--stack", "staging", "--json", ok=(0, 1)).stdout)
    assert (status["last_drill_live"], status["last_drill_rto_target_seconds"]) == (True, 1800)
    assert status["last_drill_rto_seconds"] == report["live"]["rto_seconds"]
    # The audit log: the drill's restores, each with its own record, then the drill itself.
    records = _audit(staging)[logged:]
    restores = ["restore", "db restore"] if scenario == "B" else ["restore"]
    assert [r["operation"] for r in records] == [*restores, "drill --live"]
    assert all(r["approved_by"] == "Sam Dev" and r["result"] == "verified" for r in records[:-1])
    drilled = records[-1]
    assert (drilled["scenario"], drilled["result"], drilled["backup"]) == (
        scenario,
        "passed",
        report["backup_id"],
    )
    assert drilled["kind"] == ("database" if scenario == "B" else "configuration")
    tables = 1 if scenario == "B" else 0
    assert drilled["changes"] == {
        "broken": len(report["broken"]) - tables,
        **({"tables": 1} if tables else {}),
    }
    assert drilled["safety_backup"] == report["live"]["safety_backup"]
    assert json.loads(staging.backstop("audit", "verify", "--json").stdout)["ok"] is True


def _audit(engine: Engine) -> list[Json]:
    log = engine.home / "audit-log.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def _tables(live: SandboxProcess) -> dict[str, object]:
    data = live.dump()["convex"]["quiet-otter-512"]
    return {name: rows for name, rows in data.items() if not name.startswith("_")}


@pytest.mark.parametrize(
    ("args", "message", "reason"),
    [
        (
            ("--stack", "prod", "--live", "--approved-by", "Dana Cto"),
            "prod is protected by approvals.yaml",
            "protected",
        ),
        (("--stack", "staging", "--live"), "--approved-by: name who approved", "missing"),
        (
            ("--stack", "staging", "--live", "--approved-by", "Mallory"),
            "'Mallory' is not in approvals.yaml",
            "unknown-person",
        ),
        (
            ("--stack", "staging", "--live", "--rehearse", "--approved-by", "Sam Dev"),
            "--live drills the stack",
            None,
        ),
    ],
)
def test_refusals_break_nothing(
    staging: Engine, sandbox_server: SandboxProcess, args: tuple[str, ...], message: str, reason: str | None
) -> None:
    before = sandbox_server.requests()["mutating"]
    logged = len(_audit(staging))
    done = staging.backstop("drill", "--scenario", "D", *args, ok=(2,))
    assert message in " ".join(done.stderr.split())
    assert sandbox_server.requests()["mutating"] == before
    # A refusal by approvals.yaml is in the audit log (a bad command line never got that far).
    records = _audit(staging)[logged:]
    expected = [("drill --live", args[1], "refused", reason, "D")] if reason else []
    assert [
        (r["operation"], r["stack"], r["result"], r["refusal"]["reason"], r["scenario"]) for r in records
    ] == expected
    assert json.loads(staging.backstop("audit", "verify", "--json").stdout)["ok"] is True


def test_a_failed_restore_is_retried_from_the_safety_backup(
    staging: Engine, sandbox_server: SandboxProcess
) -> None:
    sandbox_server.http.post("/_sandbox/faults", json={**CREATE_REDIRECT_URL, "times": 1}).raise_for_status()
    try:
        done = drill(staging, *LIVE, "--scenario", "D", ok=(1,))
    finally:
        sandbox_server.http.delete("/_sandbox/faults")

    report = done["report"]
    assert report["restored_exactly"] is True, report["differences"]
    assert report["failures"][0].startswith(f"the restore of {report['backup_id']} failed"), report[
        "failures"
    ]
    assert (
        report["live"]["second_attempt"]
        == f"retried from the safety backup {report['live']['safety_backup']}: converged"
    )
    assert report["live"]["finish_by_hand"] is None


def test_a_restore_that_fails_twice_says_how_to_finish_by_hand(
    staging: Engine, sandbox_server: SandboxProcess
) -> None:
    sandbox_server.http.post("/_sandbox/faults", json=CREATE_REDIRECT_URL).raise_for_status()
    try:
        done = drill(staging, *LIVE, "--scenario", "D", ok=(1,))
    finally:
        sandbox_server.http.delete("/_sandbox/faults")

    report = done["report"]
    safety = report["live"]["safety_backup"]
    assert report["restored_exactly"] is False
    assert report["live"]["second_attempt"].startswith(f"retried from the safety backup {safety}: failed")
    command = report["live"]["finish_by_hand"]
    assert command == f'backstop restore --stack staging --backup {safety} --approved-by "Sam Dev"'
    # The command works as printed once the vendor answers again.
    staging.backstop(*shlex.split(command)[1:])
    staging.backstop("drift", "--stack", "staging", ok=(0,))


def test_a_disaster_that_cannot_be_made_says_how_to_put_back_what_it_broke(
    staging: Engine, sandbox_server: SandboxProcess
) -> None:
    fault = {"vendor": "stripe", "method": "DELETE", "route": "/v1/webhook_endpoints/{webhook_endpoint}"}
    sandbox_server.http.post(
        "/_sandbox/faults", json={**fault, "kind": "status", "status": 400}
    ).raise_for_status()
    try:
        done = staging.backstop(*LIVE, "--scenario", "D", ok=(3,))
    finally:
        sandbox_server.http.delete("/_sandbox/faults")

    message = " ".join(json.loads(done.stdout)["error"].split())
    assert message.startswith("the drill could not break staging as scenario D says"), message
    command = message.split("put back by `")[1].rstrip("`")
    assert command.startswith("backstop restore --stack staging --backup staging-")
    staging.backstop(*shlex.split(command)[1:])
    staging.backstop("drift", "--stack", "staging", ok=(0,))

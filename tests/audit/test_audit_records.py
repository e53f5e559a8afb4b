"""What the operations append to the audit log and what `audit verify` asks of it, against a state backend
played by a dictionary of stack tags: backups, database backups and prunes are not live changes and need
no approval on a protected stack; a refused attempt is recorded with its reason, signer and nonce only, and
needs none either; a live change of a protected stack without an approval, and an edited record, still
fail. A refusal on a stack the backend doesn't hold is not recorded."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from pulumi import automation as auto

from backstop.operations import audit
from backstop.runbook.approvals.check import Refused
from backstop.runbook.approvals.matrix import digest, parse_matrix
from backstop.runbook.audit_log import HEAD_TAG, read_chain
from tests.approvers import commit_approvals, without_eli
from tests.support import ROOT

NONCE = "0123456789abcdef0123456789abcdef"


class Backend:
    """`pulumi stack tag ls|set` and `pulumi stack history` of the stacks it holds; others fail as the
    CLI does for a stack that doesn't exist."""

    def __init__(self, *stacks: str) -> None:
        self.tags: dict[str, dict[str, str]] = {stack: {} for stack in stacks}
        self.calls: list[tuple[str, ...]] = []

    def __call__(self, *args: str, stdin: str | None = None) -> str:
        self.calls.append(args)
        stack = args[args.index("--stack") + 1]
        if stack not in self.tags:
            result = auto.CommandResult(stdout="", stderr=f"error: no stack named '{stack}' found", code=255)
            raise auto.errors.CommandError(result)
        if args[:3] == ("stack", "tag", "ls"):
            return json.dumps(self.tags[stack])
        if args[:3] == ("stack", "tag", "set"):
            self.tags[stack][args[3]] = args[4]
            return ""
        assert args[:2] == ("stack", "history"), args
        return "[]"


@pytest.fixture
def backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Backend:
    held = Backend("prod", "staging")
    monkeypatch.setenv("BACKSTOP_AUDIT_LOG", str(tmp_path / "audit-log.jsonl"))
    monkeypatch.setattr(audit, "pulumi_cli", held)
    return held


def records(tmp_path: Path) -> list[dict[str, object]]:
    found, _, broken = read_chain(tmp_path / "audit-log.jsonl")
    assert broken is None
    return found


def wrong_role() -> Refused:
    refused = Refused(
        "wrong-role",
        "approval.json: signed by Sam Dev, who holds developer; configuration of prod needs eng-lead or cto",
    )
    refused.signer, refused.nonce = "Sam Dev", NONCE
    return refused


def test_backups_prunes_and_refusals_of_prod_pass_verify_and_an_edit_still_fails(
    backend: Backend, tmp_path: Path
) -> None:
    audit.done("backup", "prod", "ok", "prod-20260301T000000Z", {"backups": 1, "store_copies": 1})
    audit.done("db backup", "prod", "ok", "prod-db-20260301T000000Z", {"backups": 1})
    removed = {"removed": ["prod-20251101T000000Z", "prod-db-20251101T000000Z"]}
    audit.done("prune", "prod", "ok", changes={"configuration": 1, "database": 1}, details=removed)
    audit.refused("restore", "prod", wrong_role(), backup="prod-20260301T000000Z")
    audit.refused(
        "drill --live", "prod", Refused("protected", "prod is protected"), details={"scenario": "D"}
    )

    log = records(tmp_path)
    assert [(r["operation"], r["kind"], r["result"]) for r in log] == [
        ("backup", "configuration", "ok"),
        ("db backup", "database", "ok"),
        ("prune", "configuration", "ok"),
        ("restore", "configuration", "refused"),
        ("drill --live", "configuration", "refused"),
    ]
    assert log[2]["removed"] == removed["removed"] and log[2]["changes"] == {
        "configuration": 1,
        "database": 1,
    }
    refusal = log[3]
    assert refusal["refusal"] == {"reason": "wrong-role", "signer": "Sam Dev", "nonce": NONCE}
    assert (
        refusal["approval"] is None
        and refusal["changes"] == {}
        and refusal["backup"] == "prod-20260301T000000Z"
    )
    assert str(refusal["error"]).startswith("approval.json: signed by Sam Dev")
    assert log[4]["refusal"] == {"reason": "protected"} and log[4]["scenario"] == "D"
    assert json.loads(backend.tags["prod"][HEAD_TAG])["seq"] == 5, "the head follows every record"

    verdict = audit.verify()
    assert (verdict.records, verdict.problems) == (5, [])

    # A live change of prod without an approval is named; so is an edited record.
    audit.done("up", "prod", "ok", changes={"update": 1})
    audit.done("drill --live", "prod", "passed", kind="database", details={"scenario": "A"})
    problems = audit.verify().problems
    assert problems == [
        f"{tmp_path / 'audit-log.jsonl'}: record 6: an up of prod without an approval (eng-lead or cto needed)",
        f"{tmp_path / 'audit-log.jsonl'}: record 7: a drill --live of prod without an approval (cto needed)",
    ]
    path = tmp_path / "audit-log.jsonl"
    lines = path.read_text().splitlines()
    edited = json.loads(lines[3])
    edited["result"] = "verified"
    lines[3] = json.dumps(edited, sort_keys=True, separators=(",", ":"))
    path.write_text("\n".join(lines) + "\n")
    assert any(
        "record 5: its previous-record hash doesn't match record 4" in p for p in audit.verify().problems
    )


def test_a_refusal_the_backend_cant_hold_is_not_recorded(
    backend: Backend, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    audit.refused("up", "nosuch", Refused("missing", "configuration of nosuch needs approval"))
    assert not (tmp_path / "audit-log.jsonl").exists()
    assert "warning: the refusal is not in the audit log: nosuch's state backend can't be read" in " ".join(
        capsys.readouterr().err.split()
    )
    assert [args[:3] for args in backend.calls] == [("stack", "tag", "ls")], "read only, nothing written"


def test_a_live_drill_names_its_approver_and_scenario(backend: Backend, tmp_path: Path) -> None:
    audit.done(
        "drill --live",
        "staging",
        "passed",
        "staging-20260301T000000Z",
        {"broken": 5},
        approved_by="Sam Dev",
        details={"scenario": "D", "safety_backup": "staging-20260301T000000Z", "rto_seconds": 38.0},
    )
    (record,) = records(tmp_path)
    assert (record["approved_by"], record["scenario"], record["changes"]) == ("Sam Dev", "D", {"broken": 5})
    assert audit.verify().problems == [], "staging needs no approval"


def test_a_record_is_checked_against_the_approvals_yaml_its_command_read(
    backend: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    team = (ROOT / "approvals.yaml").read_text()
    commit_approvals(project, team, "the team")
    monkeypatch.setattr(audit, "PROJECT_DIR", project)
    eli = next(fp for fp, (person, _) in parse_matrix(team, "team").keys().items() if person == "Eli Lead")
    approval = {"signer": "Eli Lead", "fingerprint": eli, "nonce": NONCE, "digest": "", "subject": "up prod"}
    pending = SimpleNamespace(
        expected=SimpleNamespace(stack="prod"), approved_by="Eli Lead", audit=lambda: approval
    )
    monkeypatch.setattr(audit, "used", lambda: [pending])
    log = tmp_path / "audit-log.jsonl"

    audit.done("up", "prod", "ok", changes={"update": 1})
    assert records(tmp_path)[0]["approvals_sha256"] == digest(team)
    assert audit.verify().problems == []

    # Eli leaves the team: the change he approved while he held eng-lead stays rightly approved.
    commit_approvals(project, without_eli(team), "Eli left")
    assert audit.verify().problems == []
    # His key approving a change now is a problem.
    audit.done("up", "prod", "ok", changes={"update": 1})
    assert audit.verify().problems == [
        f"{log}: record 2: approved with key {eli}, which approvals.yaml doesn't give Eli Lead"
    ]
    # A record checked against a version nobody can find is named.
    lost = team + "# never committed\n"
    (project / "approvals.yaml").write_text(lost)
    audit.done("up", "prod", "ok", changes={"update": 1})
    (project / "approvals.yaml").write_text(without_eli(team))
    problems = audit.verify().problems
    assert problems[1:] == [
        f"{log}: record 3: checked against an approvals.yaml (sha256 {digest(lost)[:12]}…) "
        "that is neither today's nor any version in the project's git history: its approval can't be checked"
    ]

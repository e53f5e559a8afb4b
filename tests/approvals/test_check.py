"""An approval checked as every changing command and the program's gate check it: signed by a key in
approvals.yaml over exactly its content, by a role the matrix asks for, for this stack, kind, backup and
manifest digest (or document digest), within its time (±5 min), and never used before."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from backstop.plugin.model import DesiredStateError
from backstop.runbook.approvals.approval import ApprovalFile, Payload
from backstop.runbook.approvals.check import Expected, Refused, Verified, check
from backstop.runbook.approvals.ledger import Entry
from backstop.runbook.approvals.matrix import Matrix, load_matrix
from backstop.runbook.approvals.signatures import sign
from tests.approvers import key, write_approvals

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DIGEST = "a" * 64
RESTORE = Expected("prod", "configuration", "restore", backup="prod-20260301T000000Z", manifest_sha256=DIGEST)


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Matrix:
    return load_matrix(write_approvals(tmp_path_factory.mktemp("project")))


def signed(folder: Path, signer: str, approver: str, **changes: Any) -> Path:
    fields: dict[str, Any] = {
        "stack": "prod",
        "operation": "restore",
        "backup": "prod-20260301T000000Z",
        "manifest_sha256": DIGEST,
        "kinds": ["configuration"],
        "issued_at": NOW - timedelta(minutes=10),
        "expires_at": NOW + timedelta(hours=2),
        "nonce": "0123456789abcdef0123456789abcdef",
        "approver": approver,
        **changes,
    }
    payload = Payload.model_validate(fields)
    path = folder / f"approval-{signer}.json"
    path.write_text(ApprovalFile(approval=payload, signature=sign(payload.canonical(), key(signer))).text())
    return path


def refused(path: Path, matrix: Matrix, expected: Expected = RESTORE, **kwargs: Any) -> Refused:
    with pytest.raises(Refused) as caught:
        check(path, matrix, expected, kwargs.get("now", NOW), kwargs.get("used", {}))
    return caught.value


def test_an_eng_lead_rsa_signature_and_a_cto_ed25519_one_pass(tmp_path: Path, matrix: Matrix) -> None:
    eli = check(signed(tmp_path, "eli", "Eli Lead"), matrix, RESTORE, NOW, {})
    dana = check(signed(tmp_path, "dana", "Dana Cto"), matrix, RESTORE, NOW, {})
    assert isinstance(eli, Verified) and (eli.signer, dana.signer) == ("Eli Lead", "Dana Cto")
    assert eli.fingerprint.startswith("SHA256:") and eli.fingerprint != dana.fingerprint


def test_an_edited_payload_is_tampered(tmp_path: Path, matrix: Matrix) -> None:
    path = signed(tmp_path, "eli", "Eli Lead")
    data = json.loads(path.read_text())
    data["approval"]["backup"] = "prod-20260228T000000Z"
    path.write_text(json.dumps(data))
    assert refused(path, matrix).reason == "tampered"


def test_reindenting_the_file_changes_nothing(tmp_path: Path, matrix: Matrix) -> None:
    path = signed(tmp_path, "eli", "Eli Lead")
    path.write_text(json.dumps(json.loads(path.read_text()), indent=7, sort_keys=True))
    assert check(path, matrix, RESTORE, NOW, {}).signer == "Eli Lead"


def test_a_name_other_than_the_signers_is_tampered(tmp_path: Path, matrix: Matrix) -> None:
    found = refused(signed(tmp_path, "sam", "Dana Cto"), matrix)
    assert (found.reason, str(found).split(": ", 1)[1]) == (
        "tampered",
        "names Dana Cto as approver but is signed by Sam Dev's key",
    )


def test_keys_not_in_the_file_and_unsupported_types_are_refused(tmp_path: Path, matrix: Matrix) -> None:
    mallory = refused(signed(tmp_path, "mallory", "Dana Cto"), matrix)
    assert mallory.reason == "unknown-key" and "which approvals.yaml doesn't list" in str(mallory)
    assert (mallory.signer, mallory.nonce) == (None, "0123456789abcdef0123456789abcdef"), (
        "no signer unverified"
    )
    ecdsa = refused(signed(tmp_path, "ecdsa", "Dana Cto"), matrix)
    assert ecdsa.reason == "unsupported" and "signed with a key of type ECDSA: not supported" in str(ecdsa)


def test_a_developer_cannot_approve_prod(tmp_path: Path, matrix: Matrix) -> None:
    found = refused(signed(tmp_path, "sam", "Sam Dev"), matrix)
    assert found.reason == "wrong-role"
    assert (found.signer, found.nonce) == ("Sam Dev", "0123456789abcdef0123456789abcdef"), "for the audit log"
    assert str(found).endswith(
        "signed by Sam Dev, who holds developer; configuration of prod needs eng-lead or cto"
    )
    database = Expected("prod", "database", "restore", backup=RESTORE.backup, manifest_sha256=DIGEST)
    eli = signed(tmp_path, "eli", "Eli Lead", kinds=["configuration", "database"])
    assert refused(eli, matrix, database).reason == "wrong-role", "production database: CTO only"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"backup": "prod-20260228T000000Z"}, "other-backup"),
        ({"manifest_sha256": "b" * 64}, "other-backup"),
        ({"stack": "staging"}, "other-stack"),
        ({"kinds": ["database"]}, "wrong-kind"),
        (
            {"operation": "update", "backup": None, "manifest_sha256": None, "document_sha256": DIGEST},
            "other-operation",
        ),
        ({"expires_at": NOW - timedelta(minutes=6)}, "expired"),
        ({"issued_at": NOW + timedelta(minutes=6)}, "not-yet-valid"),
    ],
)
def test_what_it_approves_must_be_what_changes(
    tmp_path: Path, matrix: Matrix, changes: dict[str, Any], reason: str
) -> None:
    assert refused(signed(tmp_path, "eli", "Eli Lead", **changes), matrix).reason == reason


def test_clock_skew_of_five_minutes_is_allowed(tmp_path: Path, matrix: Matrix) -> None:
    late = signed(tmp_path, "eli", "Eli Lead", expires_at=NOW - timedelta(minutes=4))
    early = signed(tmp_path, "dana", "Dana Cto", issued_at=NOW + timedelta(minutes=4))
    assert check(late, matrix, RESTORE, NOW, {}).signer == "Eli Lead"
    assert check(early, matrix, RESTORE, NOW, {}).signer == "Dana Cto"


def test_a_used_nonce_is_replayed(tmp_path: Path, matrix: Matrix) -> None:
    nonce = "0123456789abcdef0123456789abcdef"
    used = {nonce: Entry(nonce, NOW - timedelta(minutes=1), "restore", NOW + timedelta(hours=12), "x")}
    found = refused(signed(tmp_path, "eli", "Eli Lead"), matrix, used=used)
    assert found.reason == "replayed" and "already used at 2026-03-02T08:59:00+00:00 (restore)" in str(found)


def test_an_update_approval_binds_the_document_digest(tmp_path: Path, matrix: Matrix) -> None:
    update = {"operation": "update", "backup": None, "manifest_sha256": None, "document_sha256": DIGEST}
    path = signed(tmp_path, "eli", "Eli Lead", **update)
    assert check(path, matrix, Expected("prod", "configuration", "update", document_sha256=DIGEST), NOW, {})
    other = Expected("prod", "configuration", "update", document_sha256="c" * 64)
    assert refused(path, matrix, other).reason == "other-document"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("not json", "approval-x.json: <document>: not an approval file (JSON:"),
        ('{"approval": {}, "signature": "x"}', "approval-x.json: approval.stack: Field required"),
        ('{"approval": {"stack": "prod"}}', "approval-x.json: approval.operation: Field required"),
    ],
)
def test_a_malformed_file_names_the_field(tmp_path: Path, matrix: Matrix, text: str, expected: str) -> None:
    path = tmp_path / "approval-x.json"
    path.write_text(text)
    with pytest.raises(DesiredStateError) as caught:
        check(path, matrix, RESTORE, NOW, {})
    assert expected in str(caught.value)


def test_a_signature_that_is_not_one_is_malformed(tmp_path: Path, matrix: Matrix) -> None:
    path = signed(tmp_path, "eli", "Eli Lead")
    data = json.loads(path.read_text())
    data["signature"] = "hello"
    path.write_text(json.dumps(data))
    assert refused(path, matrix).reason == "malformed"

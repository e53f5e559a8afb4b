"""approvals.yaml: people with roles and SSH keys, rules by stack and kind, validated whole (exit 2 from any
command that reads it, naming the file, the field and the reason)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from backstop.plugin.model import DesiredStateError
from backstop.runbook.approvals.matrix import load_matrix
from tests.approvers import approvals, public
from tests.support import ROOT


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "approvals.yaml"
    with path.open("w") as handle:
        YAML(typ="safe").dump(data, handle)
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(DesiredStateError) as refused:
        load_matrix(path)
    return [f"{p.path}: {p.reason}" for p in refused.value.problems]


def test_the_committed_file_protects_prod_and_not_staging() -> None:
    matrix = load_matrix(ROOT / "approvals.yaml")
    assert matrix.required("prod", "database") == ["cto"]
    assert matrix.required("prod", "configuration") == ["eng-lead", "cto"]
    assert matrix.protects("prod") and not matrix.protects("staging")
    assert matrix.required("qa", "configuration") == ["cto", "eng-lead"], "an unlisted stack: the strictest"
    assert sorted(person for person, _ in matrix.keys().values()) == ["Dana Cto", "Eli Lead", "Sam Dev"]


def test_each_key_belongs_to_its_person(tmp_path: Path) -> None:
    matrix = load_matrix(write(tmp_path, approvals()))
    by_person = {person: key.type for person, key in matrix.keys().values()}
    assert by_person == {"Dana Cto": "ssh-ed25519", "Eli Lead": "ssh-rsa", "Sam Dev": "ssh-ed25519"}


def test_unknown_roles_and_a_role_nobody_holds_are_refused(tmp_path: Path) -> None:
    data = approvals()
    data["people"]["Sam Dev"]["roles"] = ["developer", "ceo"]  # type: ignore[index]
    data["rules"].append({"stacks": ["qa"], "kinds": ["database"], "roles": ["dba"]})  # type: ignore[attr-defined]
    data["roles"].append("auditor")  # type: ignore[attr-defined]
    data["rules"].append({"stacks": ["qa"], "kinds": ["configuration"], "roles": ["auditor"]})  # type: ignore[attr-defined]
    assert problems(write(tmp_path, data)) == [
        "people.Sam Dev.roles[1]: unknown role 'ceo' (roles: cto, eng-lead, developer, auditor)",
        "rules[3].roles[0]: unknown role 'dba' (roles: cto, eng-lead, developer, auditor)",
        "rules[4].roles[0]: nobody holds the role 'auditor': no one could approve",
    ]


def test_duplicate_unparsable_and_unsupported_keys_are_refused(tmp_path: Path) -> None:
    data = approvals()
    people: dict[str, Any] = data["people"]  # type: ignore[assignment]
    people["Sam Dev"]["keys"] = [
        public("dana"),
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBroken sam",
        public("ecdsa"),
    ]
    people["Eli Lead"]["keys"].append("ssh-rsa")
    found = problems(write(tmp_path, data))
    assert found[0] == "people.Eli Lead.keys[1]: not a public key: expected `<type> <base64> [comment]`"
    assert found[1].startswith("people.Sam Dev.keys[0]: the same key as people.Dana Cto.keys[0] (SHA256:")
    assert found[2:] == [
        "people.Sam Dev.keys[1]: the ssh-ed25519 key does not parse (ssh-keygen: not a public key)",
        "people.Sam Dev.keys[2]: key type ecdsa-sha2-nistp256 is not supported (supported: ssh-ed25519, ssh-rsa)",
    ]


def test_a_short_rsa_key_is_refused(tmp_path: Path) -> None:
    import subprocess

    subprocess.run(
        ["ssh-keygen", "-q", "-t", "rsa", "-b", "1024", "-N", "", "-f", str(tmp_path / "k")], check=True
    )
    data = approvals()
    data["people"]["Eli Lead"]["keys"] = [(tmp_path / "k.pub").read_text()]  # type: ignore[index]
    assert problems(write(tmp_path, data)) == [
        "people.Eli Lead.keys[0]: the RSA key has 1024 bits; at least 2048 are needed"
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["people"].update({"Sam Dev": ["developer"]}), "people.Sam Dev: give each person"),
        (lambda d: d["people"]["Sam Dev"].pop("keys"), "people.Sam Dev.keys: Field required"),
        (lambda d: d.pop("roles"), "roles: Field required"),
        (lambda d: d["rules"][0].update({"kinds": ["secrets"]}), "rules.0.kinds.0: Input should be"),
    ],
)
def test_shape_errors_name_the_field(tmp_path: Path, change: Any, expected: str) -> None:
    data = approvals()
    change(data)
    assert problems(write(tmp_path, data))[0].startswith(expected)


def test_an_unreadable_file_names_itself(tmp_path: Path) -> None:
    with pytest.raises(
        DesiredStateError, match=r"approvals.yaml: <document>: cannot read the approvals file"
    ):
        load_matrix(tmp_path / "approvals.yaml")
    (tmp_path / "approvals.yaml").write_text("people: [\n")
    with pytest.raises(DesiredStateError, match="YAML syntax error"):
        load_matrix(tmp_path / "approvals.yaml")

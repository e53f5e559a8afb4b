"""The example team's approvers with keys made for the test run (private keys stay in a temporary folder,
mode 0600, and never leave it): Dana (CTO, Ed25519), Eli (Eng Lead, RSA), Sam (developer, Ed25519); and
two keys approvals.yaml never lists: Mallory's (Ed25519) and an ECDSA key (a type Backstop refuses)."""

from __future__ import annotations

import atexit
import functools
import secrets
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from backstop.runbook.approvals.approval import ApprovalFile, Payload
from backstop.runbook.approvals.signatures import sign
from tests.support import ROOT

KEYS = {"dana": "ed25519", "eli": "rsa", "sam": "ed25519", "mallory": "ed25519", "ecdsa": "ecdsa"}
PEOPLE = {"Dana Cto": ("dana", ["cto"]), "Eli Lead": ("eli", ["eng-lead"]), "Sam Dev": ("sam", ["developer"])}


@functools.cache
def key_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="backstop-test-keys-"))
    atexit.register(shutil.rmtree, folder, True)
    for name, kind in KEYS.items():
        bits = ["-b", "2048"] if kind == "rsa" else []
        subprocess.run(
            [
                "ssh-keygen",
                "-q",
                "-t",
                kind,
                *bits,
                "-N",
                "",
                "-C",
                f"{name}@tests",
                "-f",
                str(folder / name),
            ],
            check=True,
        )
    return folder


def key(name: str) -> Path:
    """The private key file of `name` (dana, eli, sam, mallory, ecdsa)."""
    return key_folder() / name


def public(name: str) -> str:
    return (key_folder() / f"{name}.pub").read_text().strip()


def approvals(protect_prod: bool = True) -> dict[str, object]:
    """The committed approvals.yaml with the test keys in place of the example team's. Unprotected, prod
    needs no approval (as staging): what a test of something else uses, so that each prod change it makes
    doesn't need a signed approval."""
    data: dict[str, object] = YAML(typ="safe").load((ROOT / "approvals.yaml").read_text())
    data["people"] = {
        person: {"roles": roles, "keys": [public(name)]} for person, (name, roles) in PEOPLE.items()
    }
    if not protect_prod:
        data["rules"] = [{"stacks": ["*"], "kinds": ["configuration", "database"], "roles": None}]
    return data


def write_approvals(project: Path, protect_prod: bool = True) -> Path:
    path = project / "approvals.yaml"
    with path.open("w") as handle:
        YAML(typ="safe").dump(approvals(protect_prod), handle)
    return path


def forge(folder: Path, signer: str, **fields: Any) -> Path:
    """An approval file `backstop approve` would refuse to write (an expired one, one signed by a key
    approvals.yaml doesn't list), signed for real with `signer`'s key."""
    payload = Payload.model_validate(
        {
            "operation": "restore",
            "kinds": ["configuration"],
            "issued_at": datetime.now(UTC) - timedelta(hours=3),
            "expires_at": datetime.now(UTC) + timedelta(hours=1),
            "nonce": secrets.token_hex(16),
            **fields,
        }
    )
    path = folder / f"forged-{payload.nonce[:8]}.json"
    path.write_text(ApprovalFile(approval=payload, signature=sign(payload.canonical(), key(signer))).text())
    return path


def without_eli(text: str) -> str:
    """The committed file with Eli Lead (and his key) removed, Dana taking on his role."""
    start = text.index("  Eli Lead:\n")
    end = text.index("  Sam Dev:\n")
    dana = "  Dana Cto:\n    roles: [cto]\n"
    assert dana in text
    return (text[:start] + text[end:]).replace(dana, "  Dana Cto:\n    roles: [cto, eng-lead]\n")


def commit_approvals(folder: Path, text: str, message: str) -> str:
    (folder / "approvals.yaml").write_text(text)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "add", "approvals.yaml"], cwd=folder, check=True)
    subprocess.run([*git, "commit", "-q", "-m", message], cwd=folder, check=True)
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=folder, check=True, capture_output=True, text=True
    ).stdout.strip()

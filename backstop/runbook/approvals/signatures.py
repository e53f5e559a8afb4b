"""SSH signatures (the `sshsig` format git and OpenSSH use) over an approval's bytes, made and checked by
OpenSSH's `ssh-keygen -Y`: no cryptography here. A key in ssh-agent signs when `--key` names its public
half; a private key file is read by ssh-keygen alone (its passphrase asked on the terminal)."""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from backstop.runbook.approvals.keys import SUPPORTED, PublicKey, ssh_keygen

NAMESPACE = "backstop-approval"
_GOOD = re.compile(r'^Good "[^"]*" signature with (\S+) key (SHA256:\S+)')
_TYPES = {"ED25519": "ssh-ed25519", "RSA": "ssh-rsa"}


class SigningError(RuntimeError):
    """ssh-keygen could not sign (no such key, wrong passphrase, the agent lacks it)."""


class SignatureRefused(ValueError):
    """The signature doesn't hold: `reason` is one of unknown key, tampered, malformed, unsupported."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Signer:
    key_type: str
    fingerprint: str


def sign(data: bytes, key: Path) -> str:
    """The armored signature (`-----BEGIN SSH SIGNATURE-----`) of `data` by `key`."""
    with tempfile.TemporaryDirectory(prefix="backstop-sign-") as folder:
        message = Path(folder) / "approval"
        message.write_bytes(data)
        done = subprocess.run(
            [ssh_keygen(), "-Y", "sign", "-f", str(key), "-n", NAMESPACE, str(message)],
            capture_output=True,
            text=True,
        )
        signature = message.with_name("approval.sig")
        if done.returncode != 0 or not signature.exists():
            said = " ".join(done.stderr.split())[-300:]
            raise SigningError(f"ssh-keygen could not sign with {key}: {said or 'no reason given'}")
        return signature.read_text()


def signer(data: bytes, signature: str) -> Signer:
    """The key that made `signature` over `data` in Backstop's namespace; refused when it doesn't hold."""
    with tempfile.TemporaryDirectory(prefix="backstop-verify-") as folder:
        sig = Path(folder) / "approval.sig"
        sig.write_text(signature)
        done = _run(["-Y", "check-novalidate", "-n", NAMESPACE, "-s", str(sig)], data)
    found = _GOOD.match(done.stdout.strip())
    if done.returncode != 0 or not found:
        said = done.stderr.strip()
        if "parse signature" in said or "armor" in said:
            raise SignatureRefused("malformed", "the signature is not an SSH signature")
        raise SignatureRefused(
            "tampered", "the signature does not match the approval's content (edited after signing)"
        )
    kind, fingerprint = found.groups()
    if kind not in _TYPES:
        raise SignatureRefused(
            "unsupported",
            f"signed with a key of type {kind}: not supported (supported: {', '.join(SUPPORTED)})",
        )
    return Signer(_TYPES[kind], fingerprint)


def verify(data: bytes, signature: str, key: PublicKey) -> None:
    """`ssh-keygen -Y verify` against `key` alone, as an allowed signer for Backstop's namespace."""
    with tempfile.TemporaryDirectory(prefix="backstop-verify-") as folder:
        sig, allowed = Path(folder) / "approval.sig", Path(folder) / "allowed_signers"
        sig.write_text(signature)
        allowed.write_text(f'approver namespaces="{NAMESPACE}" {key.line}\n')
        done = _run(
            ["-Y", "verify", "-f", str(allowed), "-I", "approver", "-n", NAMESPACE, "-s", str(sig)], data
        )
    if done.returncode != 0:
        raise SignatureRefused(
            "tampered", "the signature does not match the approval's content (edited after signing)"
        )


def _run(args: list[str], data: bytes) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([ssh_keygen(), *args], input=data, capture_output=True)
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")
    )

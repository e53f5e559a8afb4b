"""SSH public keys, as `allowed_signers` and `authorized_keys` hold them: parsed by OpenSSH's own
`ssh-keygen -l` (never by hand), of a supported type."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

SUPPORTED = ("ssh-ed25519", "ssh-rsa")
"""Ed25519, and RSA (signed with rsa-sha2-512)."""
MIN_RSA_BITS = 2048
_FINGERPRINT = re.compile(r"^(\d+) (SHA256:\S+) .*\((\w+)\)$")


class BadKey(ValueError):
    """A key that doesn't parse or isn't supported; the message says which and why."""


@dataclass(frozen=True)
class PublicKey:
    type: str
    blob: str
    """The base64 key, without the comment."""
    fingerprint: str
    """SHA256:… as `ssh-keygen -l` prints it."""

    @property
    def line(self) -> str:
        return f"{self.type} {self.blob}"


def ssh_keygen() -> str:
    found = shutil.which("ssh-keygen")
    if found is None:
        raise BadKey("ssh-keygen (OpenSSH) is not installed: approvals are signed and checked with it")
    return found


def parse_key(text: str) -> PublicKey:
    """One public key line (`type base64 [comment]`)."""
    fields = text.split()
    if len(fields) < 2:
        raise BadKey("not a public key: expected `<type> <base64> [comment]`")
    kind, blob = fields[0], fields[1]
    if kind not in SUPPORTED:
        raise BadKey(f"key type {kind} is not supported (supported: {', '.join(SUPPORTED)})")
    done = subprocess.run(
        [ssh_keygen(), "-l", "-E", "sha256", "-f", "-"],
        input=f"{kind} {blob}\n",
        capture_output=True,
        text=True,
    )
    found = _FINGERPRINT.match(done.stdout.strip())
    if done.returncode != 0 or not found:
        raise BadKey(f"the {kind} key does not parse (ssh-keygen: not a public key)")
    bits, fingerprint, _ = found.groups()
    if kind == "ssh-rsa" and int(bits) < MIN_RSA_BITS:
        raise BadKey(f"the RSA key has {bits} bits; at least {MIN_RSA_BITS} are needed")
    return PublicKey(kind, blob, fingerprint)

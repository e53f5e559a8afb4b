"""What an update applied, as one digest: the desired-state document's bytes, the stack's config (secrets
included, decrypted), and the program's and plugin's code and versions.

The program exports it (as a secret) on every update; `backstop drift` computes it again without running
the program, and when it is unchanged and nothing has touched the state since, the state *is* the
desired state, so comparing live with the state (`pulumi refresh --preview-only`, no program) finds the
same drift as the full refresh preview (operations/drift.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

OUTPUT = "backstop_fingerprint"
PARTIAL_ENV = "BACKSTOP_PARTIAL_UPDATE"
"""Set for a targeted engine run (a two-phase update's first phase): the program then exports a fingerprint
that matches nothing, so drift runs the full preview until a whole update has applied the document."""
CODE = ("__main__.py", "components", "backstop/plugin", "Pulumi.yaml")
"""What the program and the plugin run, relative to the project (data files, caches and tests aside)."""
PACKAGES = ("pulumi", "pulumiverse-vercel", "pydantic", "stripe", "httpx")


def normalized(config: Mapping[str, Any]) -> dict[str, str]:
    """Config as the program sees it (`PULUMI_CONFIG`: `ns:key` or `ns:config:key`) or as `pulumi config
    --json` lists it: `ns:key` -> the value as text."""
    found = {}
    for key, value in config.items():
        plain = getattr(value, "value", value)
        text = plain if isinstance(plain, str) else json.dumps(plain, sort_keys=True)
        found[key.replace(":config:", ":", 1)] = text
    return found


def code_digest(project: Path) -> str:
    digest = hashlib.sha256()
    for name in CODE:
        path = project / name
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            if file.is_file():
                digest.update(str(file.relative_to(project)).encode() + b"\0" + file.read_bytes() + b"\0")
    for package in PACKAGES:
        try:
            digest.update(f"{package}=={version(package)}\0".encode())
        except PackageNotFoundError:
            digest.update(f"{package} absent\0".encode())
    return digest.hexdigest()


def exported(document: bytes, config: Mapping[str, Any], code: str, env: Mapping[str, str]) -> str:
    """What the program exports: the fingerprint, or a marked one for a partial (targeted) update."""
    digest = fingerprint(document, config, code)
    return f"partial-{digest}" if env.get(PARTIAL_ENV) == "1" else digest


def fingerprint(document: bytes, config: Mapping[str, Any], code: str) -> str:
    digest = hashlib.sha256(b"backstop-fingerprint-v1\0")
    digest.update(hashlib.sha256(document).digest())
    for key, value in sorted(normalized(config).items()):
        digest.update(key.encode() + b"\0" + value.encode() + b"\0")
    digest.update(code.encode())
    return digest.hexdigest()

"""Where a stack's database lives and which keys open it, from the stack's config (`platform-config:`).

- `convexDeployment`: the deployment name, e.g. `spotted-gerbil-236`;
- `convexUrl` (optional): the deployment URL; default `https://<deployment>.convex.cloud`, or, when
  `BACKSTOP_CONVEX_BASE_URL` is set (the sandbox), `<that URL>/<deployment>`;
- `backstop:convexAdminKey` (secret): an admin or deploy key of that deployment, which the `backstop`
  plugin uses for the deployment's environment variables too (a stack set up before it was shared may
  keep it as `platform-config:convexAdminKey`; env fallback BACKSTOP_CONVEX_ADMIN_KEY);
- `dbBackupKey` (secret): the age identity (`AGE-SECRET-KEY-1…`) exports are encrypted to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML

from backstop.plugin.model.errors import DesiredStateError, Problem
from backstop.runbook.db import crypto
from backstop.runbook.workspace import PROJECT_DIR, select

NAMESPACE = "platform-config"
DEPLOYMENT, URL, ADMIN_KEY, BACKUP_KEY = "convexDeployment", "convexUrl", "convexAdminKey", "dbBackupKey"
ENV_BASE_URL, ENV_ADMIN_KEY = "BACKSTOP_CONVEX_BASE_URL", "BACKSTOP_CONVEX_ADMIN_KEY"
ADMIN_KEY_CONFIG = f"backstop:{ADMIN_KEY}"
"""Where the admin key lives: the plugin's namespace, so the plugin and the db commands share one key."""
DEPLOYMENT_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


@dataclass(frozen=True)
class DbSettings:
    stack: str
    deployment: str
    url: str
    admin_key: str = field(repr=False)
    backup_key: str = field(repr=False)


def config_file(stack: str) -> Path:
    return PROJECT_DIR / f"Pulumi.{stack}.yaml"


def resolve(stack: str, config: Mapping[str, str | None], env: Mapping[str, str]) -> DbSettings:
    """Pure: config values (secrets already decrypted) and the environment → settings, or every problem
    at once, each naming the config file and key, never a secret's value."""
    where = str(config_file(stack))

    def value(name: str) -> str:
        return (config.get(f"{NAMESPACE}:{name}") or "").strip()

    problems = []
    deployment = value(DEPLOYMENT)
    if not deployment:
        problems.append(
            Problem(where, f"config.{NAMESPACE}:{DEPLOYMENT}", "missing: the Convex deployment name")
        )
    elif not DEPLOYMENT_NAME.match(deployment):
        problems.append(
            Problem(where, f"config.{NAMESPACE}:{DEPLOYMENT}", f"{deployment!r} is not a deployment name")
        )
    url = value(URL)
    if not url and deployment:
        base = env.get(ENV_BASE_URL, "").rstrip("/")
        url = f"{base}/{deployment}" if base else f"https://{deployment}.convex.cloud"
    if url and not url.startswith(("https://", "http://")):
        problems.append(Problem(where, f"config.{NAMESPACE}:{URL}", "must be an http(s) URL"))
    admin_key = (
        (config.get(ADMIN_KEY_CONFIG) or "").strip() or value(ADMIN_KEY) or env.get(ENV_ADMIN_KEY, "").strip()
    )
    if not admin_key:
        problems.append(
            Problem(
                where,
                f"config.{ADMIN_KEY_CONFIG}",
                f"missing: `pulumi config set --secret {ADMIN_KEY_CONFIG} <admin or deploy key>` "
                f"(or {ENV_ADMIN_KEY})",
            )
        )
    backup_key = value(BACKUP_KEY)
    if not backup_key:
        problems.append(
            Problem(
                where,
                f"config.{NAMESPACE}:{BACKUP_KEY}",
                f"missing: `pulumi config set --secret {BACKUP_KEY} AGE-SECRET-KEY-1…` (an age identity)",
            )
        )
    else:
        reason = crypto.identity_problem(backup_key)
        if reason:
            problems.append(Problem(where, f"config.{NAMESPACE}:{BACKUP_KEY}", reason))
    if problems:
        raise DesiredStateError(problems)
    return DbSettings(stack, deployment, url, admin_key, backup_key)


def declared(stack: str) -> bool:
    """Whether the stack's config file names a Convex deployment (read without the engine)."""
    path = config_file(stack)
    if not path.exists():
        return False
    settings = (YAML(typ="safe").load(path.read_text()) or {}).get("config") or {}
    return bool(settings.get(f"{NAMESPACE}:{DEPLOYMENT}"))


def backup_key(stack: str) -> str:
    """The stack's `dbBackupKey` alone, decrypted through the engine (empty when unset): what opening an
    export needs, without the deployment's admin key."""
    values = select(stack).get_all_config()
    item = values.get(f"{NAMESPACE}:{BACKUP_KEY}")
    return (item.value if item is not None else "").strip()


def load(stack: str, env: Mapping[str, str]) -> DbSettings:
    """Reads the stack's config through the engine (secrets decrypted in memory only)."""
    values = {key: item.value for key, item in select(stack).get_all_config().items()}
    return resolve(stack, values, env)

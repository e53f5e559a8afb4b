"""`backstop init`'s database part: the stack's Convex deployment, its admin key, and a backup key.

The deployment comes from `--convex-deployment` or from the key itself (a deploy key starts with
`<kind>:<deployment>|`); the key is stored as a Pulumi secret; a stack without a `dbBackupKey` gets a new
age identity, which it alone holds: database exports are encrypted to it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pulumi import automation as auto
from pyrage import x25519

from backstop.operations.errors import INPUT_ERROR, Failure
from backstop.runbook.db.settings import (
    ADMIN_KEY_CONFIG,
    BACKUP_KEY,
    DEPLOYMENT,
    DEPLOYMENT_NAME,
    ENV_ADMIN_KEY,
    NAMESPACE,
)

DEPLOY_KEY = re.compile(r"^(?:prod|dev|preview):(?P<deployment>[a-z0-9][a-z0-9-]{0,62})\|")


def deployment(flag: str | None, env: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The deployment to back up, or None and the notice saying why the database is left out."""
    key = env.get(ENV_ADMIN_KEY, "").strip()
    if flag is not None and not DEPLOYMENT_NAME.match(flag):
        raise Failure(INPUT_ERROR, f"--convex-deployment: {flag!r} is not a Convex deployment name")
    if not key:
        if flag:
            raise Failure(
                INPUT_ERROR,
                f"--convex-deployment {flag}: {ENV_ADMIN_KEY} is not set (a deploy or admin key of it)",
            )
        return None, f"convex: left out, {ENV_ADMIN_KEY} is not set"
    match = DEPLOY_KEY.match(key)
    named = match.group("deployment") if match else None
    if flag and named and named != flag:
        raise Failure(
            INPUT_ERROR,
            f"{ENV_ADMIN_KEY}: a key of deployment {named}, but --convex-deployment is {flag}; use "
            f"{flag}'s deploy key",
        )
    if not (flag or named):
        raise Failure(
            INPUT_ERROR, f"{ENV_ADMIN_KEY} doesn't name its deployment: give --convex-deployment too"
        )
    return flag or named, None


def config_values(
    name: str, env: Mapping[str, str], current: Mapping[str, auto.ConfigValue]
) -> dict[str, auto.ConfigValue]:
    """The stack config that names the deployment; a new backup key only when the stack has none."""
    values = {
        f"{NAMESPACE}:{DEPLOYMENT}": auto.ConfigValue(name),
        ADMIN_KEY_CONFIG: auto.ConfigValue(env[ENV_ADMIN_KEY].strip(), secret=True),
    }
    if f"{NAMESPACE}:{BACKUP_KEY}" not in current:
        values[f"{NAMESPACE}:{BACKUP_KEY}"] = auto.ConfigValue(str(x25519.Identity.generate()), secret=True)
    return values

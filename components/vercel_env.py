"""VercelEnv: the environment variables of the Vercel projects one stack owns, through pulumiverse_vercel.
A variable that follows a webhook endpoint's signing secret is declared as `components/following.py` says."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumiverse_vercel as vercel

from backstop.plugin.model.vercel import EnvVar, Project, VercelSection
from components.following import FollowingVariables
from components.values import Value

RESOURCE_PREFIX = "vercel-env-"
ENV_TYPE = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable"


class VercelEnv(FollowingVariables[vercel.ProjectEnvironmentVariable]):
    def __init__(
        self,
        name: str,
        section: VercelSection,
        team: str,
        values: dict[str, Value],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("backstop:components:VercelEnv", name, opts)
        for project, var in section.variables():
            value = values[var.key]
            label = f"{var.name} ({', '.join(var.targets)})"

            def declare(
                retain: bool, project: Project = project, var: EnvVar = var, value: Value = value
            ) -> Any:
                return self._declare(project, var, team, value, retain)

            self.variable(var.key, label, var.value_from, value, declare)
        self.done()

    def _declare(
        self, project: Project, var: EnvVar, team: str, value: Value, retain: bool
    ) -> vercel.ProjectEnvironmentVariable:
        args: dict[str, Any] = {
            "project_id": project.id,
            "team_id": team,
            "key": var.name,
            "value": pulumi.Output.secret(value) if var.value is None else value,
            # A set to Vercel, declared in the order reads return it (sorted): a refreshed state's inputs
            # then equal the program's, and the engine rewrites no snapshot for an unchanged variable.
            "targets": sorted(var.targets),
            "sensitive": var.sensitive,
        }
        if var.git_branch is not None:
            args["git_branch"] = var.git_branch
        if var.comment is not None:
            args["comment"] = var.comment
        return vercel.ProjectEnvironmentVariable(
            f"{RESOURCE_PREFIX}{var.key}",
            # Vercel holds one variable per key and target: a replacement must delete the old one first.
            opts=pulumi.ResourceOptions(
                parent=self, retain_on_delete=retain or None, delete_before_replace=True
            ),
            **args,
        )

"""VercelEnv: the environment variables of the Vercel projects one stack owns, through pulumiverse_vercel.

A variable that follows a webhook endpoint's signing secret is declared once that secret is resolved:
- a new secret (the endpoint was created or recreated in this run) is written in the same `pulumi up`;
- no known secret (the endpoint was adopted or imported, and Stripe shows a secret only at creation) leaves
  the live variable exactly as it is: the variable is not declared, and `retain_on_delete` on every
  followed variable means that dropping it from the state never deletes it in Vercel.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumiverse_vercel as vercel

from backstop.plugin.model.vercel import EnvVar, Project, VercelSection

RESOURCE_PREFIX = "vercel-env-"
ENV_TYPE = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable"

Value = str | pulumi.Output[Any]


class VercelEnv(pulumi.ComponentResource):
    variables: dict[str, vercel.ProjectEnvironmentVariable]
    left_untouched: list[str]
    """Variables following an endpoint whose secret is unknown (filled in as their outputs resolve)."""

    def __init__(
        self,
        name: str,
        section: VercelSection,
        team: str,
        values: dict[str, Value],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("backstop:components:VercelEnv", name, None, opts)
        self.variables, self.left_untouched = {}, []
        declared: dict[str, pulumi.Output[Any]] = {}
        for project, var in section.variables():
            value = values[var.key]
            if var.value_from is not None and var.value_from.follows_output:
                declared[var.key] = pulumi.Output.from_input(value).apply(
                    self._follow(project, var, team, value), run_with_unknowns=True
                )
            else:
                self.variables[var.key] = self._declare(project, var, team, value, retain=False)
                declared[var.key] = self.variables[var.key].id
        self.register_outputs({"variable_ids": declared})

    def _follow(self, project: Project, var: EnvVar, team: str, value: Value) -> Any:
        def declare(resolved: Any) -> pulumi.Output[Any] | None:
            if resolved is None:
                self.left_untouched.append(var.key)
                pulumi.log.warn(
                    f"{var.name} ({', '.join(var.targets)}) follows "
                    f"{var.value_from and var.value_from.described}, whose signing secret is "
                    "unknown (adopted or imported): the live variable is left as it is. "
                    "`backstop restore --rotate-secrets` recreates the endpoint to get a new one.",
                    self,
                )
                return None
            # A string, or UNKNOWN in a preview of a run that creates the endpoint: its secret is written.
            declared = self._declare(project, var, team, value, retain=True)
            self.variables[var.key] = declared
            return declared.id

        return declare

    def _declare(
        self, project: Project, var: EnvVar, team: str, value: Value, retain: bool
    ) -> vercel.ProjectEnvironmentVariable:
        args: dict[str, Any] = {
            "project_id": project.id,
            "team_id": team,
            "key": var.name,
            "value": pulumi.Output.secret(value) if var.value is None else value,
            "targets": list(var.targets),
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

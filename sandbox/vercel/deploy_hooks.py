"""Deploy hooks (in the project's `link.deployHooks`, newest last) and what triggering one records."""

from __future__ import annotations

from typing import Any

from sandbox.vercel import models
from sandbox.vercel.errors import bad_request, not_found
from sandbox.vercel.state import TEAM_SLUGS, Json, VercelTeam


def _link(project: Json) -> Json:
    link: Json | None = project.get("link")
    if link is None:
        raise bad_request("The project is not connected to a Git repository, so it cannot have deploy hooks.")
    return link


def create(team: VercelTeam, project: Json, body: Any) -> Json:
    """Returns the Project, as Vercel does; the new hook is the last of `link.deployHooks`."""
    name, ref = models.deploy_hook_body(body)
    link = _link(project)
    stamp = team.tick(project)
    hook = {"id": team.sandbox.ids.token(10), "name": name, "ref": ref, "createdAt": stamp}
    link["deployHooks"].append(hook)
    link["updatedAt"] = stamp
    return team.render_project(project)


def delete(team: VercelTeam, project: Json, hook_id: str) -> Json:
    link = _link(project)
    if not any(hook["id"] == hook_id for hook in link["deployHooks"]):
        raise not_found(f"Could not find the deploy hook: {hook_id}")
    link["deployHooks"] = [hook for hook in link["deployHooks"] if hook["id"] != hook_id]
    link["updatedAt"] = team.tick(project)
    return team.render_project(project)


def find(team: VercelTeam, project_id: str, hook_id: str) -> tuple[Json, Json] | None:
    project = team.projects().get(project_id)
    link = project.get("link") if project else None
    for hook in link["deployHooks"] if link else []:
        if hook["id"] == hook_id:
            assert project is not None
            return project, hook
    return None


def trigger(team: VercelTeam, project: Json, hook: Json) -> Json:
    """Queues a deployment of the hook's branch and records it in the team's `deployments`; the
    answer is the job, as Vercel's hook URL gives it."""
    ids, now = team.sandbox.ids, team.sandbox.now_ms()
    slug = TEAM_SLUGS.get(team.account.name, "team")
    production = hook["ref"] == project["link"]["productionBranch"]
    job = {"id": ids.token(20), "state": "PENDING", "createdAt": now}
    deployment_id = ids.prefixed("dpl_", 28)
    team.deployments()[deployment_id] = {
        "id": deployment_id,
        "name": project["name"],
        "projectId": project["id"],
        "url": f"{project['name']}-{ids.token(9).lower()}-{slug}.vercel.app",
        "createdAt": now,
        "state": "QUEUED",
        "target": "production" if production else None,
        "source": "deploy-hook",
        "meta": {"deployHookId": hook["id"], "deployHookName": hook["name"], "deployHookRef": hook["ref"]},
        "job": job,
    }
    return {"job": job}

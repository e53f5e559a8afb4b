"""The derrimut platform's apps: the Next.js app's production and preview deployments on Vercel, and each
side's Convex deployment, at the hosts the fixture's webhook endpoints name."""

from __future__ import annotations

from typing import Any

from sandbox.apps import state
from sandbox.apps.models import CONVEX_RECEIVERS, NEXTJS_RECEIVERS, Host, Target
from sandbox.core.context import Sandbox

TEAM, PROJECT, APP = "team_derrimut", "prj_DerrimutPlatformSandbox00001", "derrimut-platform"
NEXTJS_HOSTS: dict[str, Target] = {
    "www.derrimut247.com.au": "production",
    "staging.derrimut247.com.au": "preview",
}
CONVEX_DEPLOYMENTS = ("spotted-gerbil-236", "quiet-otter-512")


def derrimut(sandbox: Sandbox) -> dict[str, Any]:
    hosts = {
        **{
            host: Host(
                app=APP,
                runtime="vercel",
                team=TEAM,
                project=PROJECT,
                target=target,
                receivers=list(NEXTJS_RECEIVERS),
            )
            for host, target in NEXTJS_HOSTS.items()
        },
        **{
            f"{deployment}.convex.site": Host(
                app=f"convex {deployment}",
                runtime="convex",
                deployment=deployment,
                receivers=list(CONVEX_RECEIVERS),
            )
            for deployment in CONVEX_DEPLOYMENTS
        },
    }
    for host, app in hosts.items():
        state.declare(sandbox, "derrimut", host, app)
    return {"hosts": sorted(hosts)}

"""The derrimut platform's apps: the Next.js app's production and preview deployments on Vercel, and each
side's Convex deployment, at the hosts the fixture's webhook endpoints name."""

from __future__ import annotations

from typing import Any

from sandbox.apps import state
from sandbox.apps.models import CONVEX_RECEIVERS, NEXTJS_RECEIVERS, Host
from sandbox.core.context import Sandbox

TEAM, PROJECT, APP = "team_derrimut", "prj_DerrimutPlatformSandbox00001", "derrimut-platform"
CONVEX_DEPLOYMENTS = ("spotted-gerbil-236", "quiet-otter-512")


def derrimut(sandbox: Sandbox) -> dict[str, Any]:
    hosts = {
        "www.derrimut247.com.au": Host(
            app=APP,
            runtime="vercel",
            team=TEAM,
            project=PROJECT,
            target="production",
            receivers=list(NEXTJS_RECEIVERS),
        ),
        "staging.derrimut247.com.au": Host(
            app=APP,
            runtime="vercel",
            team=TEAM,
            project=PROJECT,
            target="preview",
            receivers=list(NEXTJS_RECEIVERS),
        ),
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

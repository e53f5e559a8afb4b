"""The derrimut platform's Vercel team: one Next.js project shared by prod (Production) and staging
(Preview, Development), its env vars and a deploy hook. Every value is an obvious fake: the keys of the
sandbox's own Stripe, Clerk and Vapi accounts where the app needs one, and the id of prod's Vapi squad (the
voice agent the app starts; the runbook's app read NEXT_PUBLIC_VAPI_WORKFLOW_ID, the retired workflow)."""

from __future__ import annotations

from typing import Any

from sandbox.core.accounts import by_name, keys
from sandbox.core.context import Sandbox
from sandbox.vercel import deploy_hooks, env_vars
from sandbox.vercel.state import Json, VercelTeam

TEAM = "team_derrimut"
PROJECT_ID = "prj_DerrimutPlatformSandbox00001"
PROJECT_NAME = "derrimut-platform"
PRODUCTION_BRANCH = "main"
PROD, STAGING = ["production"], ["preview"]
ALL = ["production", "preview", "development"]


def _vars(squad_id: str) -> list[tuple[str, str, list[str], str]]:
    """(key, type, targets, value). Development can't be sensitive, so it gets an encrypted copy."""
    stripe, clerk, vapi = keys("stripe"), keys("clerk"), keys("vapi")["org_derrimut"]
    return [
        ("NEXT_PUBLIC_CONVEX_URL", "encrypted", PROD, "https://spotted-gerbil-236.convex.cloud"),
        (
            "NEXT_PUBLIC_CONVEX_URL",
            "encrypted",
            ["preview", "development"],
            "https://quiet-otter-512.convex.cloud",
        ),
        ("CONVEX_DEPLOY_KEY", "sensitive", PROD, "prod:spotted-gerbil-236|sandbox-fake-convex-deploy-key"),
        ("CONVEX_DEPLOY_KEY", "sensitive", STAGING, "preview:quiet-otter-512|sandbox-fake-convex-deploy-key"),
        ("NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY", "encrypted", PROD, "pk_live_sandbox_clerk_derrimut_prod"),
        (
            "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY",
            "encrypted",
            ["preview", "development"],
            "pk_test_sandbox_clerk_derrimut_staging",
        ),
        ("CLERK_SECRET_KEY", "sensitive", PROD, clerk["ins_derrimut_prod"]),
        ("CLERK_SECRET_KEY", "sensitive", STAGING, clerk["ins_derrimut_staging"]),
        ("CLERK_SECRET_KEY", "encrypted", ["development"], clerk["ins_derrimut_staging"]),
        ("CLERK_WEBHOOK_SECRET", "sensitive", PROD, "whsec_sandboxClerkDerrimutProdNotReal"),
        ("CLERK_WEBHOOK_SECRET", "sensitive", STAGING, "whsec_sandboxClerkDerrimutStagingNotReal"),
        ("STRIPE_SECRET_KEY", "sensitive", PROD, stripe["acct_derrimut_prod"]),
        ("STRIPE_SECRET_KEY", "sensitive", STAGING, stripe["acct_derrimut_staging"]),
        ("STRIPE_SECRET_KEY", "encrypted", ["development"], stripe["acct_derrimut_staging"]),
        ("NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY", "encrypted", PROD, "pk_live_sandbox_derrimut_prod"),
        (
            "NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY",
            "encrypted",
            ["preview", "development"],
            "pk_test_sandbox_derrimut_staging",
        ),
        ("STRIPE_WEBHOOK_SECRET", "sensitive", PROD, "whsec_sandbox_stripe_derrimut_prod_not_real"),
        ("STRIPE_WEBHOOK_SECRET", "sensitive", STAGING, "whsec_sandbox_stripe_derrimut_staging_not_real"),
        ("VAPI_API_KEY", "sensitive", ["production", "preview"], vapi),
        ("VAPI_API_KEY", "encrypted", ["development"], vapi),
        ("NEXT_PUBLIC_VAPI_PUBLIC_KEY", "encrypted", ALL, "5a4db0c5-0000-4000-8000-0000000000b1"),
        ("NEXT_PUBLIC_VAPI_SQUAD_ID", "plain", ALL, squad_id),
        ("GEMINI_API_KEY", "sensitive", ["production", "preview"], "sandbox-gemini-api-key-not-real"),
        ("GEMINI_API_KEY", "encrypted", ["development"], "sandbox-gemini-api-key-not-real"),
    ]


def _resources() -> Json:
    return {
        "fluid": True,
        "functionDefaultMemoryType": "standard",
        "functionDefaultRegions": ["syd1"],
        "functionDefaultTimeout": 300,
    }


def new_project(
    sandbox: Sandbox,
    team: str = TEAM,
    project_id: str = PROJECT_ID,
    name: str = PROJECT_NAME,
    org: str = "derrimut247",
    repo_id: int = 700000001,
    credential: str = "cred_sandboxDerrimutGithub000001",
) -> Json:
    now = sandbox.now_ms()
    return {
        "accountId": team,
        "alias": [],
        "autoExposeSystemEnvs": True,
        "buildCommand": None,
        "createdAt": now,
        "defaultResourceConfig": _resources(),
        "deploymentExpiration": {
            "expirationDays": 180,
            "expirationDaysCanceled": 30,
            "expirationDaysErrored": 90,
            "expirationDaysProduction": 365,
        },
        "devCommand": None,
        "directoryListing": False,
        "env": [],
        "framework": "nextjs",
        "gitForkProtection": True,
        "id": project_id,
        "installCommand": None,
        "link": {
            "type": "github",
            "org": org,
            "repo": name,
            "repoId": repo_id,
            "repoOwnerId": repo_id - repo_id % 1000,
            "gitCredentialId": credential,
            "productionBranch": PRODUCTION_BRANCH,
            "sourceless": True,
            "createdAt": now,
            "updatedAt": now,
            "deployHooks": [],
        },
        "live": False,
        "name": name,
        "nodeVersion": "22.x",
        "outputDirectory": None,
        "resourceConfig": _resources(),
        "rootDirectory": None,
        "updatedAt": now,
    }


def derrimut(sandbox: Sandbox, squad_id: str) -> dict[str, Any]:
    """`squad_id`: prod's Vapi squad, which NEXT_PUBLIC_VAPI_SQUAD_ID names."""
    account = by_name("vercel", TEAM)
    assert account is not None
    team = VercelTeam(sandbox, account)
    project = team.projects()[PROJECT_ID] = new_project(sandbox)
    created = env_vars.create(
        team,
        project,
        [{"key": k, "type": t, "target": targets, "value": v} for k, t, targets, v in _vars(squad_id)],
        upsert=False,
    )
    deploy_hooks.create(team, project, {"name": "backstop-redeploy-production", "ref": PRODUCTION_BRANCH})
    return {
        TEAM: {
            "projects": [PROJECT_ID],
            "env": [env["id"] for env in created["created"]],
            "deploy_hooks": [hook["id"] for hook in project["link"]["deployHooks"]],
        }
    }


KESTREL_TEAM = "team_kestrel"
KESTREL_PROJECTS = {
    "prj_KestrelWebSandbox000000001": "kestrel-web",
    "prj_KestrelAdminSandbox00000001": "kestrel-admin",
}
DEV = ["preview", "development"]


def _kestrel_vars() -> dict[str, list[tuple[str, str, list[str], str]]]:
    """Per project: (key, type, targets, value). One sensitive value, which no API can read back."""
    stripe, clerk = keys("stripe")["acct_kestrel_staging"], keys("clerk")["ins_kestrel_staging"]
    return {
        "prj_KestrelWebSandbox000000001": [
            ("NEXT_PUBLIC_SITE_URL", "plain", ALL, "https://staging.kestrelphysio.co.nz"),
            ("NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY", "encrypted", DEV, "pk_test_sandbox_clerk_kestrel_staging"),
            ("CLERK_SECRET_KEY", "encrypted", DEV, clerk),
            ("STRIPE_SECRET_KEY", "encrypted", DEV, stripe),
            ("BOOKING_SLOT_MINUTES", "plain", ALL, "45"),
        ],
        "prj_KestrelAdminSandbox00000001": [
            ("CLERK_SECRET_KEY", "encrypted", DEV, clerk),
            (
                "DATABASE_URL",
                "sensitive",
                ["preview"],
                "postgres://kestrel:sandbox-not-real@db.invalid/kestrel",
            ),
            ("ADMIN_ALLOWED_DOMAIN", "plain", ALL, "kestrelphysio.co.nz"),
        ],
    }


def kestrel(sandbox: Sandbox) -> dict[str, Any]:
    """Kestrel Physio's team: a web app and an admin app, each its own project, both on one staging side."""
    account = by_name("vercel", KESTREL_TEAM)
    assert account is not None
    team = VercelTeam(sandbox, account)
    made: list[str] = []
    for n, (project_id, name) in enumerate(KESTREL_PROJECTS.items()):
        project = team.projects()[project_id] = new_project(
            sandbox,
            KESTREL_TEAM,
            project_id,
            name,
            "kestrel-physio",
            810000001 + n,
            "cred_sandboxKestrelGithub0001",
        )
        created = env_vars.create(
            team,
            project,
            [
                {"key": k, "type": t, "target": targets, "value": v}
                for k, t, targets, v in _kestrel_vars()[project_id]
            ],
            upsert=False,
        )
        made += [env["id"] for env in created["created"]]
    return {KESTREL_TEAM: {"projects": list(KESTREL_PROJECTS), "env": made}}

"""The environment that points Backstop, Pulumi and the vendor SDKs at a sandbox on a given port."""

from __future__ import annotations

from pathlib import Path

from sandbox.core.accounts import keys, restricted_keys

DEMO_PASSPHRASE = "backstop-sandbox-demo"


def pulumi_home(project_dir: Path) -> Path:
    """The sandbox's own PULUMI_HOME: the only place the offline vercel plugin double is installed."""
    return project_dir / ".sandbox" / "pulumi-home"


def backend(project_dir: Path) -> Path:
    """The sandbox's `file://` state backend."""
    return project_dir / ".sandbox" / "state"


def prepare_pulumi_home(project_dir: Path) -> bool:
    """Installs the vercel plugin double there (False when it was installed already)."""
    from sandbox.vercel_plugin.install import install

    return install(pulumi_home(project_dir), project_dir)


def prepare(project_dir: Path) -> None:
    """What the printed environment points at, made ready: the plugin double in the sandbox's PULUMI_HOME
    and the backend folder (`pulumi stack init` can't open a `file://` backend that doesn't exist)."""
    prepare_pulumi_home(project_dir)
    backend(project_dir).mkdir(parents=True, exist_ok=True)


def environment(port: int, project_dir: Path) -> dict[str, str]:
    base = f"http://127.0.0.1:{port}"
    stripe, clerk, restricted = keys("stripe"), keys("clerk"), restricted_keys("stripe")
    return {
        "BACKSTOP_SANDBOX_URL": base,
        "BACKSTOP_STRIPE_BASE_URL": f"{base}/stripe",
        "BACKSTOP_CLERK_BASE_URL": f"{base}/clerk/v1",
        "BACKSTOP_CLERK_FRONTEND_BASE_URL": f"{base}/clerk-frontend",
        "BACKSTOP_SVIX_BASE_URL": f"{base}/svix",
        "BACKSTOP_VAPI_BASE_URL": f"{base}/vapi",
        "BACKSTOP_VERCEL_BASE_URL": f"{base}/vercel",
        "BACKSTOP_CONVEX_BASE_URL": f"{base}/convex",
        # `backstop check`'s deliveries to https://<host>/<path> go to the apps the sandbox plays.
        "BACKSTOP_DELIVERY_BASE_URL": f"{base}/apps",
        "BACKSTOP_SANDBOX_STRIPE_KEY_STAGING": stripe["acct_derrimut_staging"],
        "BACKSTOP_SANDBOX_STRIPE_KEY_PROD": stripe["acct_derrimut_prod"],
        # Restricted keys of the staging account: reads everything / reads and writes what a restore writes.
        "BACKSTOP_SANDBOX_STRIPE_RK_STAGING_READONLY": restricted["acct_derrimut_staging/readonly"],
        "BACKSTOP_SANDBOX_STRIPE_RK_STAGING_RESTORE": restricted["acct_derrimut_staging/restore"],
        "BACKSTOP_SANDBOX_CLERK_KEY_STAGING": clerk["ins_derrimut_staging"],
        "BACKSTOP_SANDBOX_CLERK_KEY_PROD": clerk["ins_derrimut_prod"],
        "BACKSTOP_SANDBOX_VAPI_KEY": keys("vapi")["org_derrimut"],
        "BACKSTOP_SANDBOX_VERCEL_TOKEN": keys("vercel")["team_derrimut"],
        "PULUMI_HOME": str(pulumi_home(project_dir)),
        "PULUMI_BACKEND_URL": f"file://{backend(project_dir)}",
        "PULUMI_CONFIG_PASSPHRASE": DEMO_PASSPHRASE,
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
    }

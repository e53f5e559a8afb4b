"""One connection layer: every vendor client is built by backstop/plugin/clients/connections.py from settings read
with one rule (stack config, then the environment), and nothing else in the project builds one."""

from __future__ import annotations

import ast
import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from backstop.plugin.clients import connections
from backstop.plugin.clients.connections import Connections, MissingCredential
from backstop.plugin.clients.errors import VendorError
from backstop.plugin.clients.retry import RetryPolicy
from backstop.plugin.clients.vercel_client import trigger_deploy_hook
from backstop.plugin.provider.config import ProviderConfig
from backstop.plugin.provider.context import ProviderContext, ProviderError
from backstop.plugin.provider.props import property_map

ROOT = Path(__file__).resolve().parents[2]

# ---------------------------------------------------------------------------------------------------------
# Nothing outside the factory and the client modules builds a vendor client.

CONSTRUCTORS = {
    "backstop.plugin.clients.stripe_client.StripeApi",
    "backstop.plugin.clients.clerk_client.ClerkApi",
    "backstop.plugin.clients.svix_client.SvixApi",
    "backstop.plugin.clients.svix_client.SvixApi.open",
    "backstop.plugin.clients.vapi_client.VapiApi",
    "backstop.plugin.clients.vercel_client.VercelApi",
    "backstop.plugin.clients.json_http.JsonHttp",
    "stripe.StripeClient",
    "httpx.AsyncClient",
    "httpx.Client",
    *(f"httpx.{verb}" for verb in ("request", "stream", "get", "head", "options", "post", "put", "patch")),
    "httpx.delete",
}
"""Calls that open a connection to a vendor (qualified through the module's imports)."""
CLASS_NAMES = {"StripeApi", "ClerkApi", "SvixApi", "VapiApi", "VercelApi", "JsonHttp", "StripeClient"}
"""Caught by name too, however they were imported."""

FACTORY_AND_CLIENTS = "backstop/plugin/clients/"
"""connections.py (the factory) and the client modules themselves (json_http.py, *_client.py)."""
ALLOWED = {
    # The demo plays a "dashboard user" against the offline sandbox's Stripe with the official SDK, and
    # drives the sandbox's own control API (/_sandbox/…): neither is a stack's vendor connection.
    ("backstop/operations/demo.py", "stripe.StripeClient"),
    ("backstop/operations/demo.py", "httpx.Client"),
    # Drills break and inspect the sandbox through its control API (/_sandbox/dump, /_sandbox/faults).
    ("backstop/operations/drill.py", "httpx.Client"),
    ("backstop/operations/drill_sandbox.py", "httpx.get"),
    # A rehearsal registers the team's accounts in the private sandbox it started (/_sandbox/accounts).
    ("backstop/operations/rehearsal.py", "httpx.post"),
    # Alerts post to the operator's alert webhook (Slack and the like), not to a vendor of the stack.
    ("backstop/runbook/alerts.py", "httpx.post"),
    # `backstop check` posts signed test events to the stack's apps (its webhook endpoints' URLs), not to
    # a vendor's API.
    ("backstop/runbook/check/delivery.py", "httpx.AsyncClient"),
    # Its smoke checks ask the stack's apps (the document's `checks:` URLs), not a vendor's API.
    ("backstop/runbook/check/smoke.py", "httpx.AsyncClient"),
}


def _aliases(tree: ast.Module, module: str) -> dict[str, str]:
    """Local name → qualified name, from the module's imports."""
    names: dict[str, str] = {}
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                names[alias.asname or alias.name] = f"{base}.{alias.name}"
    return names


def _dotted(node: ast.expr) -> list[str] | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.insert(0, node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return [node.id, *parts]
    return None


def constructions(source: str, module: str) -> Iterator[tuple[int, str]]:
    """(line, qualified call) of every vendor-client construction in the source."""
    tree = ast.parse(source)
    aliases = _aliases(tree, module)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        parts = _dotted(node.func)
        if parts is None:
            continue
        qualified = ".".join([aliases.get(parts[0], parts[0]), *parts[1:]])
        named = parts[-1] in CLASS_NAMES or parts[-2:] == ["SvixApi", "open"]
        if qualified in CONSTRUCTORS or named:
            yield node.lineno, qualified


def stray_constructions(root: Path = ROOT) -> list[str]:
    found = []
    for folder in ("backstop", "components"):
        for path in sorted((root / folder).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            if relative.startswith(FACTORY_AND_CLIENTS):
                continue
            module = relative.removesuffix(".py").replace("/", ".")
            for line, call in constructions(path.read_text(), module):
                if (relative, call) not in ALLOWED:
                    found.append(f"{relative}:{line}: {call}(…)")
    return found


def test_vendor_clients_are_built_only_by_the_factory() -> None:
    assert stray_constructions() == [], "build vendor clients with backstop.plugin.clients.connections"


@pytest.mark.parametrize(
    ("source", "call"),
    [
        ("from backstop.plugin.clients.stripe_client import StripeApi\nStripeApi('k')", "StripeApi"),
        (
            "from backstop.plugin.clients import vapi_client as v\nv.VapiApi('k')",
            "backstop.plugin.clients.vapi_client.VapiApi",
        ),
        ("from backstop.plugin.clients.svix_client import SvixApi\nSvixApi.open('u')", "SvixApi.open"),
        ("import httpx\nhttpx.AsyncClient()", "httpx.AsyncClient"),
        ("from httpx import Client as C\nC()", "httpx.Client"),
        ("import stripe\nstripe.StripeClient('k')", "stripe.StripeClient"),
        ("from ..clients.vercel_client import VercelApi\nVercelApi('t', 'team')", "VercelApi"),
    ],
)
def test_the_guard_sees_a_stray_construction(source: str, call: str) -> None:
    found = [c for _, c in constructions(source, "backstop.operations.stray")]
    assert len(found) == 1 and found[0].endswith(call)


def test_the_guard_fails_on_a_stray_module(tmp_path: Path) -> None:
    (tmp_path / "components").mkdir()
    (tmp_path / "backstop" / "operations").mkdir(parents=True)
    (tmp_path / "backstop" / "operations" / "stray.py").write_text(
        "from backstop.plugin.clients.vapi_client import VapiApi\n\n\ndef f() -> None:\n    VapiApi('key')\n"
    )
    assert stray_constructions(tmp_path) == [
        "backstop/operations/stray.py:5: backstop.plugin.clients.vapi_client.VapiApi(…)"
    ]


# ---------------------------------------------------------------------------------------------------------
# One precedence rule: the stack config, then the environment.

ENV = {
    "BACKSTOP_STRIPE_API_KEY": "sk_test_env",
    "BACKSTOP_STRIPE_BASE_URL": "http://env/stripe",
    "BACKSTOP_CLERK_SECRET_KEY": "sk_clerk_env",
    "BACKSTOP_CLERK_BASE_URL": "http://env/clerk/v1",
    "BACKSTOP_SVIX_BASE_URL": "http://env/svix",
    "BACKSTOP_VAPI_API_KEY": "vapi-env",
    "BACKSTOP_VAPI_BASE_URL": "http://env/vapi",
    "VERCEL_API_TOKEN": "vercel-env",
    "VERCEL_TEAM": "team_env",
    "BACKSTOP_VERCEL_BASE_URL": "http://env/vercel",
}
CONFIG = {
    "backstop:stripeApiKey": "sk_live_config",
    "backstop:stripeBaseUrl": "http://config/stripe",
    "backstop:clerkSecretKey": "sk_clerk_config",
    "backstop:clerkBaseUrl": "http://config/clerk/v1",
    "backstop:svixBaseUrl": "http://config/svix",
    "backstop:vapiApiKey": "vapi-config",
    "backstop:vapiBaseUrl": "http://config/vapi",
    "vercel:apiToken": "vercel-config",
    "vercel:team": "team_config",
}


def test_the_stack_config_beats_the_environment() -> None:
    conn = Connections.resolve(CONFIG, ENV)
    assert (conn.stripe.api_key, conn.stripe.base_url) == ("sk_live_config", "http://config/stripe")
    assert conn.stripe.live
    assert (conn.clerk.secret_key, conn.clerk.base_url) == ("sk_clerk_config", "http://config/clerk/v1")
    assert conn.svix.base_url == "http://config/svix"
    assert (conn.vapi.api_key, conn.vapi.base_url) == ("vapi-config", "http://config/vapi")
    assert (conn.vercel.token, conn.vercel.team) == ("vercel-config", "team_config")
    assert conn.vercel.base_url == "http://env/vercel", "the Vercel base URL is the environment's only"


def test_the_environment_is_used_when_the_config_has_no_value() -> None:
    conn = Connections.resolve({"backstop:stripeApiKey": "", "backstop:vapiApiKey": None}, ENV)
    assert (conn.stripe.api_key, conn.stripe.base_url) == ("sk_test_env", "http://env/stripe")
    assert not conn.stripe.live
    assert (conn.clerk.secret_key, conn.clerk.base_url) == ("sk_clerk_env", "http://env/clerk/v1")
    assert conn.svix.base_url == "http://env/svix"
    assert (conn.vapi.api_key, conn.vapi.base_url) == ("vapi-env", "http://env/vapi")
    assert (conn.vercel.token, conn.vercel.team, conn.vercel.base_url) == (
        "vercel-env",
        "team_env",
        "http://env/vercel",
    )


def test_nothing_set_means_the_real_vendor_and_no_credential() -> None:
    assert Connections.resolve({}, {}) == Connections()


@pytest.mark.parametrize(
    ("build", "key", "env"),
    [
        (lambda c: connections.stripe_api(c.stripe), "backstop:stripeApiKey", "BACKSTOP_STRIPE_API_KEY"),
        (lambda c: connections.clerk_api(c.clerk), "backstop:clerkSecretKey", "BACKSTOP_CLERK_SECRET_KEY"),
        (lambda c: connections.vapi_api(c.vapi), "backstop:vapiApiKey", "BACKSTOP_VAPI_API_KEY"),
        (lambda c: connections.vercel_api(c.vercel), "vercel:apiToken", "VERCEL_API_TOKEN"),
    ],
)
def test_a_missing_credential_names_the_config_key_and_the_variable(build, key: str, env: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(MissingCredential) as caught:
        build(Connections.resolve({}, {}))
    assert key in str(caught.value) and env in str(caught.value)
    assert "pulumi config set --secret" in str(caught.value)


def test_a_vercel_team_is_needed_too() -> None:
    with pytest.raises(MissingCredential, match=r"vercel:team.*VERCEL_TEAM"):
        connections.vercel_api(Connections.resolve({"vercel:apiToken": "t"}, {}).vercel)


def test_secrets_never_show_in_a_repr() -> None:
    conn = Connections.resolve(CONFIG, ENV)
    text = repr(conn) + repr(conn.stripe) + repr(conn.vercel) + repr(ProviderConfig(conn))
    assert not any(
        secret in text for secret in ("sk_live_config", "sk_clerk_config", "vapi-config", "vercel-config")
    )


def test_the_plugin_follows_the_same_rule() -> None:
    args = property_map({"stripeApiKey": "sk_test_config", "vapiBaseUrl": "", "version": "1.0.0"})
    config = ProviderConfig.from_args(args, ENV)
    assert config.connections == Connections.resolve(
        {"backstop:stripeApiKey": "sk_test_config", "backstop:vapiBaseUrl": ""}, ENV
    )
    assert config.connections.stripe.api_key == "sk_test_config"
    assert config.connections.vapi.base_url == "http://env/vapi"
    assert config.batched_reads and not config.adopt_as_declared
    assert not ProviderConfig.from_args(property_map({"batchedReads": "false"}), {}).batched_reads


def test_the_plugin_reports_a_missing_credential_as_a_provider_error() -> None:
    ctx = ProviderContext(ProviderConfig())
    with pytest.raises(ProviderError, match=r"backstop:clerkSecretKey.*BACKSTOP_CLERK_SECRET_KEY"):
        _ = ctx.clerk


def test_a_deploy_hook_that_cant_be_reached_keeps_its_url_secret() -> None:
    url = "http://127.0.0.1:9/v1/integrations/deploy/prj_secret/hook-secret"  # port 9: nothing listens
    with pytest.raises(VendorError) as caught:
        asyncio.run(trigger_deploy_hook(url, RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.02)))
    assert "secret" not in str(caught.value)


def test_a_stripe_restricted_key_is_of_a_usable_kind_and_a_clerk_one_is_not() -> None:
    assert connections.wrong_kind("stripe", "rk_test_sandbox_derrimut_staging_readonly") is None
    assert connections.wrong_kind("stripe", "pk_test_abc") == "a publishable key"
    assert connections.wrong_kind("clerk", "rk_test_abc") == "not a secret key"

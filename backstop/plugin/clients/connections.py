"""The one place vendor clients are built, and the one rule for where their settings come from.

Every setting is read from the stack config first (the `backstop:` keys the plugin is configured with, and
`vercel:apiToken`/`vercel:team` for the commands that read Vercel), then from the environment:

| setting            | stack config key          | environment                  |
|--------------------|---------------------------|------------------------------|
| Stripe API key     | `backstop:stripeApiKey`   | `BACKSTOP_STRIPE_API_KEY`    |
| Stripe base URL    | `backstop:stripeBaseUrl`  | `BACKSTOP_STRIPE_BASE_URL`   |
| Clerk secret key   | `backstop:clerkSecretKey` | `BACKSTOP_CLERK_SECRET_KEY`  |
| Clerk base URL     | `backstop:clerkBaseUrl`   | `BACKSTOP_CLERK_BASE_URL`    |
| Clerk Frontend API | `backstop:clerkFrontendBaseUrl` | `BACKSTOP_CLERK_FRONTEND_BASE_URL` |
| Svix base URL      | `backstop:svixBaseUrl`    | `BACKSTOP_SVIX_BASE_URL`     |
| Vapi API key       | `backstop:vapiApiKey`     | `BACKSTOP_VAPI_API_KEY`      |
| Vapi base URL      | `backstop:vapiBaseUrl`    | `BACKSTOP_VAPI_BASE_URL`     |
| Convex admin key   | `backstop:convexAdminKey` | `BACKSTOP_CONVEX_ADMIN_KEY`  |
| Convex base URL    | `backstop:convexBaseUrl`  | `BACKSTOP_CONVEX_BASE_URL`   |
| Vercel API token   | `vercel:apiToken`         | `VERCEL_API_TOKEN`           |
| Vercel team        | `vercel:team`             | `VERCEL_TEAM`                |
| Vercel base URL    | (environment only)        | `BACKSTOP_VERCEL_BASE_URL`   |

An empty value counts as unset. The plugin feeds this with the config the engine passes it (the `backstop:`
namespace, keys without the prefix); the commands feed it with their `StackSession`'s `config()`. The
Vercel base URL has no config key: pulumiverse-vercel has none either, and the engine's Vercel plugin (the
sandbox's double) reads the same environment variable, so the commands and the engine can't disagree.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # each client is imported when first built: a command needs one or two vendors' SDKs
    from backstop.plugin.clients.clerk_client import ClerkApi
    from backstop.plugin.clients.convex_client import ConvexApi
    from backstop.plugin.clients.retry import RetryPolicy
    from backstop.plugin.clients.stripe_client import StripeApi
    from backstop.plugin.clients.svix_client import SvixApi
    from backstop.plugin.clients.vapi_client import VapiApi
    from backstop.plugin.clients.vercel_client import VercelApi

Config = Mapping[str, str | None]
"""Stack config values by full key (`backstop:stripeApiKey`), secrets already decrypted."""


class _ConfigValue(Protocol):
    @property
    def value(self) -> str: ...


class _Session(Protocol):
    def config(self) -> Mapping[str, _ConfigValue]: ...


@dataclass(frozen=True)
class Setting:
    """One setting: its stack config key (None: environment only) and its environment variable."""

    key: str | None
    env: str
    label: str
    secret: bool = False

    def resolve(self, config: Config, env: Mapping[str, str]) -> str | None:
        """The stack config's value, else the environment's; None when neither is set (or both empty)."""
        value = config.get(self.key) if self.key else None
        return value or env.get(self.env) or None

    @property
    def how_to_set(self) -> str:
        """How to set it, naming both the config key and the environment variable."""
        if self.key is None:
            return f"set {self.env}"
        flag = "--secret " if self.secret else ""
        return f"set it with `pulumi config set {flag}{self.key} …` (or {self.env})"


STRIPE_API_KEY = Setting("backstop:stripeApiKey", "BACKSTOP_STRIPE_API_KEY", "Stripe API key", secret=True)
STRIPE_BASE_URL = Setting("backstop:stripeBaseUrl", "BACKSTOP_STRIPE_BASE_URL", "Stripe base URL")
CLERK_SECRET_KEY = Setting(
    "backstop:clerkSecretKey", "BACKSTOP_CLERK_SECRET_KEY", "Clerk secret key", secret=True
)
CLERK_BASE_URL = Setting("backstop:clerkBaseUrl", "BACKSTOP_CLERK_BASE_URL", "Clerk base URL")
CLERK_FRONTEND_BASE_URL = Setting(
    "backstop:clerkFrontendBaseUrl", "BACKSTOP_CLERK_FRONTEND_BASE_URL", "Clerk Frontend API base URL"
)
SVIX_BASE_URL = Setting("backstop:svixBaseUrl", "BACKSTOP_SVIX_BASE_URL", "Svix base URL")
VAPI_API_KEY = Setting("backstop:vapiApiKey", "BACKSTOP_VAPI_API_KEY", "Vapi API key", secret=True)
VAPI_BASE_URL = Setting("backstop:vapiBaseUrl", "BACKSTOP_VAPI_BASE_URL", "Vapi base URL")
CONVEX_ADMIN_KEY = Setting(
    "backstop:convexAdminKey", "BACKSTOP_CONVEX_ADMIN_KEY", "Convex admin or deploy key", secret=True
)
CONVEX_BASE_URL = Setting("backstop:convexBaseUrl", "BACKSTOP_CONVEX_BASE_URL", "Convex base URL")
VERCEL_TOKEN = Setting("vercel:apiToken", "VERCEL_API_TOKEN", "Vercel API token", secret=True)
VERCEL_TEAM = Setting("vercel:team", "VERCEL_TEAM", "Vercel team")
VERCEL_BASE_URL = Setting(None, "BACKSTOP_VERCEL_BASE_URL", "Vercel base URL")


SECRET_KEY_PREFIXES: dict[str, tuple[str, ...]] = {"stripe": ("sk_", "rk_"), "clerk": ("sk_",)}
"""The kinds of key a vendor's API takes from a server (its publishable `pk_…` keys are for browsers)."""


def wrong_kind(vendor: str, key: str) -> str | None:
    """What kind of key `key` is when the vendor can't use it (a publishable key where a secret key belongs);
    None when it is usable, empty, or the vendor's keys have no recognisable kind."""
    prefixes = SECRET_KEY_PREFIXES.get(vendor)
    if not key or prefixes is None or key.startswith(prefixes):
        return None
    if key.startswith("pk_"):
        return "a publishable key"
    return "not a secret or restricted key" if "rk_" in prefixes else "not a secret key"


class MissingCredential(Exception):
    """A client was asked for but its credential is set nowhere; the message says where to set it."""

    def __init__(self, setting: Setting) -> None:
        super().__init__(f"no {setting.label}: {setting.how_to_set}")
        self.setting = setting


def _require(value: str | None, setting: Setting) -> str:
    if not value:
        raise MissingCredential(setting)
    return value


def _hidden(value: str | None) -> str | None:
    return "set" if value else None


@dataclass(frozen=True)
class StripeSettings:
    api_key: str | None = field(default=None, repr=False)
    base_url: str | None = None

    @property
    def live(self) -> bool:
        return bool(self.api_key and self.api_key.startswith(("sk_live_", "rk_live_")))


@dataclass(frozen=True)
class ClerkSettings:
    secret_key: str | None = field(default=None, repr=False)
    base_url: str | None = None
    frontend_base_url: str | None = None
    """Unset: the instance's own Frontend API (`https://<frontend host>`); set (a sandbox):
    `<base>/<frontend host>`."""


@dataclass(frozen=True)
class SvixSettings:
    base_url: str | None = None
    """Serves both the App Portal token exchange and the API (a sandbox); unset, the link's region does."""


@dataclass(frozen=True)
class VapiSettings:
    api_key: str | None = field(default=None, repr=False)
    base_url: str | None = None


@dataclass(frozen=True)
class ConvexSettings:
    admin_key: str | None = field(default=None, repr=False)
    base_url: str | None = None
    """Set (a sandbox, a self-hosted backend): a deployment's URL is `<base>/<deployment>`; unset, it is
    `https://<deployment>.convex.cloud`."""

    def deployment_url(self, deployment: str) -> str:
        base = (self.base_url or "").rstrip("/")
        return f"{base}/{deployment}" if base else f"https://{deployment}.convex.cloud"


@dataclass(frozen=True)
class VercelSettings:
    token: str | None = field(default=None, repr=False)
    team: str | None = None
    base_url: str | None = None


@dataclass(frozen=True)
class Connections:
    """Every vendor's settings for one stack, resolved once with the rule above."""

    stripe: StripeSettings = field(default_factory=StripeSettings)
    clerk: ClerkSettings = field(default_factory=ClerkSettings)
    svix: SvixSettings = field(default_factory=SvixSettings)
    vapi: VapiSettings = field(default_factory=VapiSettings)
    vercel: VercelSettings = field(default_factory=VercelSettings)
    convex: ConvexSettings = field(default_factory=ConvexSettings)

    @classmethod
    def resolve(cls, config: Config, env: Mapping[str, str] | None = None) -> Connections:
        environ: Mapping[str, str] = os.environ if env is None else env

        def get(setting: Setting) -> str | None:
            return setting.resolve(config, environ)

        return cls(
            stripe=StripeSettings(get(STRIPE_API_KEY), get(STRIPE_BASE_URL)),
            clerk=ClerkSettings(get(CLERK_SECRET_KEY), get(CLERK_BASE_URL), get(CLERK_FRONTEND_BASE_URL)),
            svix=SvixSettings(get(SVIX_BASE_URL)),
            vapi=VapiSettings(get(VAPI_API_KEY), get(VAPI_BASE_URL)),
            vercel=VercelSettings(get(VERCEL_TOKEN), get(VERCEL_TEAM), get(VERCEL_BASE_URL)),
            convex=ConvexSettings(get(CONVEX_ADMIN_KEY), get(CONVEX_BASE_URL)),
        )

    def __repr__(self) -> str:
        return (
            f"Connections(stripe_api_key={_hidden(self.stripe.api_key)}, "
            f"stripe_base_url={self.stripe.base_url!r}, clerk_secret_key={_hidden(self.clerk.secret_key)}, "
            f"clerk_base_url={self.clerk.base_url!r}, svix_base_url={self.svix.base_url!r}, "
            f"vapi_api_key={_hidden(self.vapi.api_key)}, vapi_base_url={self.vapi.base_url!r}, "
            f"vercel_token={_hidden(self.vercel.token)}, vercel_team={self.vercel.team!r}, "
            f"vercel_base_url={self.vercel.base_url!r}, convex_admin_key={_hidden(self.convex.admin_key)}, "
            f"convex_base_url={self.convex.base_url!r})"
        )


def session_connections(session: _Session, env: Mapping[str, str] | None = None) -> Connections:
    """The settings a command uses: its stack's config (secrets decrypted in memory), then the environment."""
    return Connections.resolve({key: value.value for key, value in session.config().items()}, env)


# The clients. Each raises MissingCredential when its credential is set nowhere.
def stripe_api(settings: StripeSettings, policy: RetryPolicy | None = None) -> StripeApi:
    from backstop.plugin.clients.stripe_client import StripeApi

    return StripeApi(_require(settings.api_key, STRIPE_API_KEY), settings.base_url, policy)


def clerk_api(settings: ClerkSettings, policy: RetryPolicy | None = None) -> ClerkApi:
    from backstop.plugin.clients.clerk_client import ClerkApi

    return ClerkApi(_require(settings.secret_key, CLERK_SECRET_KEY), settings.base_url, policy)


async def svix_api(settings: SvixSettings, svix_url: str, policy: RetryPolicy | None = None) -> SvixApi:
    """The Clerk instance's Svix application, through the App Portal link Clerk minted (`svix_url`)."""
    from backstop.plugin.clients.svix_client import SvixApi

    return await SvixApi.open(svix_url, settings.base_url, policy)


def vapi_api(settings: VapiSettings, policy: RetryPolicy | None = None) -> VapiApi:
    from backstop.plugin.clients.vapi_client import VapiApi

    return VapiApi(_require(settings.api_key, VAPI_API_KEY), settings.base_url, policy)


def convex_api(settings: ConvexSettings, deployment: str, policy: RetryPolicy | None = None) -> ConvexApi:
    """The deployment's admin API (the one `npx convex env` uses)."""
    from backstop.plugin.clients.convex_client import ConvexApi

    return ConvexApi(
        _require(settings.admin_key, CONVEX_ADMIN_KEY), settings.deployment_url(deployment), policy
    )


def vercel_api(settings: VercelSettings, policy: RetryPolicy | None = None) -> VercelApi:
    """Vercel for the stack's team (the settings' team: pass a scope's team with `dataclasses.replace`)."""
    token = _require(settings.token, VERCEL_TOKEN)
    from backstop.plugin.clients.vercel_client import VercelApi

    return VercelApi(token, _require(settings.team, VERCEL_TEAM), settings.base_url, policy)

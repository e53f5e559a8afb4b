"""Clerk (and its webhooks through Svix) with the real engine against the sandbox: create, adopt, drift,
restore, write-only settings and `reapply`, a killed run, import, and secrets that never leak."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from backstop.plugin.model import load_document
from tests.reliability.trials import kill_points
from tests.support import ROOT, VENV_BIN, Engine, SandboxProcess

pytestmark = pytest.mark.e2e
INSTANCES = {"staging": "ins_derrimut_staging", "prod": "ins_derrimut_prod"}
KEYS = {"staging": "sk_test_sandbox_clerk_derrimut_staging", "prod": "sk_live_sandbox_clerk_derrimut_prod"}
CANARY = "canary-convex-hs256-key-0d41f7a9"
CONFIG_COMMANDS = frozenset({"up", "preview", "refresh", "config", "import"})
CREATES = (
    "clerk POST /v1/redirect_urls",
    "clerk POST /v1/jwt_templates",
    "clerk POST /v1/allowlist_identifiers",
    "clerk POST /v1/webhooks/svix",
    "svix POST /api/v1/app/{app_id}/endpoint",
    "stripe POST /v1/webhook_endpoints",
    "stripe POST /v1/products",
    "stripe POST /v1/prices",
)


class Stack:
    """One stack of the project on a copy of its document and of its stack config."""

    def __init__(self, engine: Engine, tmp_path: Path, name: str = "staging", stripe: bool = False) -> None:
        self.engine, self.name = engine, name
        self.document = tmp_path / f"{name}.yaml"
        self.config = tmp_path / f"Pulumi.{name}.yaml"
        shutil.copyfile(ROOT / f"Pulumi.{name}.yaml", self.config)
        self.write(lambda data: None, stripe=stripe)
        engine.extra_env["BACKSTOP_DESIRED_STATE"] = str(self.document)
        engine.init_stack(name)

    def write(self, edit: Callable[[Any], None], stripe: bool = False) -> None:
        yaml = YAML()
        data = yaml.load((ROOT / "snapshots" / f"{self.name}.yaml").read_text())
        for other in (
            "vercel",
            "convex",
        ):  # prod's variables read staging's outputs; Convex has its own tests
            data.pop(other, None)
            data["scope"].pop(other, None)
        if not stripe:  # Clerk alone keeps the runs short
            del data["stripe"], data["scope"]["stripe"]
        edit(data)
        with self.document.open("w") as fh:
            yaml.dump(data, fh)

    def pulumi(self, *args: str, ok: tuple[int, ...] = (0,)) -> str:
        """A `pulumi` command on this stack (and its config copy, for commands that read config)."""
        config = ("--config-file", str(self.config)) if args[0] in CONFIG_COMMANDS else ()
        return self.engine.pulumi(*args, "--stack", self.name, *config, ok=ok).output

    def up(self, *args: str) -> str:
        return self.pulumi("up", "--yes", "--skip-preview", *args)

    def clean(self) -> None:
        self.pulumi("preview", "--refresh", "--expect-no-changes")


def seed(sandbox: SandboxProcess) -> None:
    sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    sandbox.http.delete("/_sandbox/requests")


def clerk_state(sandbox: SandboxProcess, instance: str) -> dict[str, Any]:
    """The instance's configuration as Clerk and Svix hold it, ids left out; lists keep duplicates."""
    dump = sandbox.dump()
    clerk = dump["clerk"][instance]
    svix = dump.get("svix", {}).get(instance, {})
    template_fields = ("claims", "lifetime", "allowed_clock_skew", "custom_signing_key", "signing_algorithm")
    endpoint_fields = ("url", "description", "disabled", "metadata", "uid", "throttleRate")
    return {
        "redirect_urls": sorted(r["url"] for r in clerk.get("redirect_urls", {}).values()),
        "jwt_templates": sorted(
            (t["name"], json.dumps({k: t[k] for k in (*template_fields, "signing_key")}, sort_keys=True))
            for t in clerk.get("jwt_templates", {}).values()
        ),
        "allowlist_identifiers": sorted(
            i["identifier"] for i in clerk.get("allowlist_identifiers", {}).values()
        ),
        "organization_settings": clerk["organization_settings"],
        "instance": {k: v for k, v in clerk["instance"][instance].items() if k != "svix_app_id"},
        "restrictions": clerk["restrictions"],
        "svix_endpoints": sorted(
            json.dumps(
                {**{k: e[k] for k in endpoint_fields}, "eventTypes": sorted(e["eventTypes"])}, sort_keys=True
            )
            for e in svix.get("endpoints", {}).values()
        ),
    }


def configuration(sandbox: SandboxProcess, instance: str) -> dict[str, Any]:
    """Everything the sandbox holds for the instance in Clerk and Svix, App Portal sessions aside."""
    dump = sandbox.dump()
    svix = dump.get("svix", {}).get(instance, {})
    return {
        "clerk": dump["clerk"][instance],
        "svix": {k: v for k, v in svix.items() if k not in ("api_tokens", "one_time_tokens")},
    }


def assert_matches_document(sandbox: SandboxProcess, document: Path, signing_key: str | None = None) -> None:
    """Every declared field of every declared Clerk object equals Clerk's and Svix's own data."""
    desired = load_document(document)
    assert desired.clerk is not None and desired.scope.clerk is not None
    instance = desired.scope.clerk.instance
    live = sandbox.dump()["clerk"][instance]
    section = desired.clerk
    assert sorted(r["url"] for r in live["redirect_urls"].values()) == sorted(
        u.url for u in section.redirect_urls
    )
    templates = {t["name"]: t for t in live["jwt_templates"].values()}
    assert sorted(templates) == sorted(t.name for t in section.jwt_templates)
    for template in section.jwt_templates:
        got = templates[template.name]
        assert (got["claims"], got["lifetime"], got["allowed_clock_skew"]) == (
            template.claims,
            template.lifetime,
            template.allowed_clock_skew,
        )
        if template.signing_key is not None:
            assert (got["signing_algorithm"], got["signing_key"]) == (template.signing_algorithm, signing_key)
        else:
            assert got["custom_signing_key"] is False
    identifiers = sorted(i["identifier"] for i in live["allowlist_identifiers"].values())
    assert identifiers == sorted(i.identifier for i in section.allowlist_identifiers)
    if section.organization_settings is not None:
        settings = live["organization_settings"]["organization_settings"]
        for name, value in section.organization_settings.model_dump(exclude_none=True).items():
            if name == "domains_enrollment_modes":
                value = sorted({*value, "manual_invitation"})
            assert settings[name] == value, name
    if section.instance_settings is not None:
        for name, value in section.instance_settings.model_dump(exclude_none=True).items():
            assert live["instance"][instance][name] == value, name
    if section.instance_restrictions is not None:
        for name, value in section.instance_restrictions.model_dump(exclude_none=True).items():
            assert live["restrictions"]["instance_restrictions"][name] == value, name
    if section.domains is not None:
        domains = {d["name"]: d for d in live.get("domains", {}).values()}
        for domain in section.domains:
            got = domains[domain.name]
            assert (not got["is_satellite"], got["proxy_url"]) == (domain.primary, domain.proxy_url), (
                domain.key
            )
    endpoints = list(sandbox.dump().get("svix", {}).get(instance, {}).get("endpoints", {}).values())
    assert sorted(e["url"] for e in endpoints) == sorted(e.url for e in section.webhook_endpoints)
    by_url = {e["url"]: e for e in endpoints}
    for endpoint in section.webhook_endpoints:
        got = by_url[endpoint.url]
        assert (got["uid"], got["description"], got["disabled"], got["metadata"]) == (
            endpoint.key,
            endpoint.description,
            endpoint.disabled,
            endpoint.metadata,
        )
        assert sorted(got["eventTypes"]) == sorted(endpoint.event_types)


def svix_secrets(sandbox: SandboxProcess, instance: str) -> list[str]:
    endpoints = sandbox.dump().get("svix", {}).get(instance, {}).get("endpoints", {})
    return [e["secret"] for e in endpoints.values()]


def creates(sandbox: SandboxProcess) -> list[str]:
    routes = sandbox.requests()["by_route"]
    return [route for route in CREATES if routes.get(route)]


def clerk_call(
    sandbox: SandboxProcess, method: str, path: str, body: Any = None, stack: str = "staging"
) -> Any:
    response = sandbox.http.request(
        method, f"/clerk/v1{path}", json=body, headers={"Authorization": f"Bearer {KEYS[stack]}"}
    )
    assert response.is_success, response.text
    return response.json() if response.content else None


def with_signing_key(data: Any) -> None:
    template = data["clerk"]["jwt_templates"][0]
    template["signing_algorithm"] = "HS256"
    template["signing_key"] = {"value_from": {"secret": "clerkConvexSigningKey"}}


def test_create_from_empty_with_a_secret_signing_key_and_nothing_leaks(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    stack = Stack(engine, tmp_path)
    stack.write(with_signing_key)
    refused = stack.pulumi("preview", ok=(1,))
    assert (
        "clerk.jwt_templates[0].signing_key: the stack config has no platform-config:clerkConvexSigningKey"
        in (refused)
    )
    stack.pulumi("config", "set", "clerkConvexSigningKey", CANARY)
    plaintext = stack.pulumi("preview", ok=(1,))
    assert "platform-config:clerkConvexSigningKey is stored in plaintext in the stack config" in plaintext
    assert sandbox.requests()["total"] == 0, "refused before any API call"
    stack.pulumi("config", "set", "--secret", "clerkConvexSigningKey", CANARY)

    stack.up()
    assert_matches_document(sandbox, stack.document, signing_key=CANARY)
    stack.clean()  # the write-only key compares with the last applied one: a plain preview stays clean

    instance = INSTANCES["staging"]
    secrets = svix_secrets(sandbox, instance)
    assert len(secrets) == 1
    outputs = json.loads(stack.pulumi("stack", "output", "--json"))
    assert outputs["clerk_webhook_secrets"] == "[secret]"
    exported = stack.pulumi("stack", "export")
    for secret in [*secrets, CANARY, KEYS["staging"]]:
        assert secret not in exported, "a secret is in plaintext in the stack export"
        assert secret not in engine.all_output(), "a secret is in plaintext in the engine's output"
        assert not engine.files_containing(secret), "a secret is in plaintext in a file of the backend"
    revealed = json.loads(stack.pulumi("stack", "output", "--json", "--show-secrets"))
    assert revealed["clerk_webhook_secrets"] == {"convex-users": secrets[0]}
    assert CANARY not in stack.config.read_text(), "the config copy keeps the key encrypted"


@pytest.mark.parametrize("name", ["staging", "prod"])
def test_the_derrimut_fixture_is_adopted_without_duplicates(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path, name: str
) -> None:
    seed(sandbox)
    before = sandbox.dump()
    stack = Stack(engine, tmp_path, name, stripe=True)
    stack.up()
    assert creates(sandbox) == [], "every object adopted by its natural key"
    after = sandbox.dump()
    for vendor, account in (("clerk", INSTANCES[name]), ("svix", INSTANCES[name])):
        for collection in (
            "redirect_urls",
            "jwt_templates",
            "allowlist_identifiers",
            "endpoints",
            "applications",
        ):
            assert (
                after[vendor][account].get(collection, {}).keys()
                == before[vendor][account].get(collection, {}).keys()
            ), f"{vendor} {collection}"
    for collection in ("webhook_endpoints", "products", "prices"):
        assert after["stripe"][f"acct_derrimut_{name}"][collection].keys() == (
            before["stripe"][f"acct_derrimut_{name}"][collection].keys()
        )
    assert_matches_document(sandbox, stack.document)
    sandbox.http.delete("/_sandbox/requests")
    stack.clean()
    routes = sandbox.requests()["by_route"]
    for listed in (
        "clerk GET /v1/redirect_urls",
        "clerk GET /v1/jwt_templates",
        "clerk GET /v1/allowlist_identifiers",
    ):
        assert routes[listed] == 1, f"a refresh lists each collection once: {routes}"
    assert routes["svix GET /api/v1/app/{app_id}/endpoint"] == 1
    one_by_one = [
        r for r in routes if r.startswith(("clerk GET", "svix GET")) and r.endswith(("}", "}/secret"))
    ]
    assert one_by_one == ["svix GET /api/v1/app/{app_id}/endpoint/{endpoint_id}/secret"], routes


def test_out_of_band_edits_and_deletes_are_detected_and_restored_exactly(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    seed(sandbox)
    instance = INSTANCES["staging"]
    stack = Stack(engine, tmp_path)
    stack.up()
    baseline = clerk_state(sandbox, instance)
    first_secret = svix_secrets(sandbox, instance)[0]

    # A dashboard user deletes and edits through Clerk's API, and edits the endpoint in the Svix portal.
    live = sandbox.dump()["clerk"][instance]
    sso = next(r for r in live["redirect_urls"].values() if r["url"].endswith("/sso-callback"))
    clerk_call(sandbox, "DELETE", f"/redirect_urls/{sso['id']}")
    qa = next(i for i in live["allowlist_identifiers"].values() if i["identifier"].startswith("qa@"))
    clerk_call(sandbox, "DELETE", f"/allowlist_identifiers/{qa['id']}")
    (template,) = live["jwt_templates"].values()
    clerk_call(
        sandbox, "PATCH", f"/jwt_templates/{template['id']}", {"name": "convex", "claims": {"aud": "x"}}
    )
    clerk_call(sandbox, "PATCH", "/instance/organization_settings", {"max_allowed_memberships": 5})
    clerk_call(sandbox, "POST", "/redirect_urls", {"url": "https://evil.example.com/cb"})  # not managed
    state = sandbox.dump()
    (endpoint,) = state["svix"][instance]["endpoints"].values()
    endpoint.update(disabled=True, eventTypes=["user.created"], filterTypes=["user.created"])
    sandbox.load(state)
    edited = clerk_state(sandbox, instance)

    drift = stack.pulumi("preview", "--refresh", "--diff", "--expect-no-changes", ok=(7,))
    for name in (
        "clerk-redirect-url-sso-callback",
        "clerk-allowlist-identifier-qa-email",
        "clerk-jwt-template-convex",
        "clerk-organization-settings",
        "clerk-webhook-convex-users",
    ):
        assert name in drift, name
    assert "maxAllowedMemberships: 5 => 50" in drift
    assert clerk_state(sandbox, instance) == edited, "a preview changes nothing live"

    stack.up("--refresh")
    restored = clerk_state(sandbox, instance)
    assert restored["redirect_urls"] == sorted([*baseline["redirect_urls"], "https://evil.example.com/cb"])
    assert {**restored, "redirect_urls": baseline["redirect_urls"]} == baseline, "restored exactly"
    assert svix_secrets(sandbox, instance) == [first_secret], "an update never rotates the secret"
    stack.clean()

    # The whole Svix application goes (Clerk's "disable webhooks"): the endpoint comes back in a new one.
    clerk_call(sandbox, "DELETE", "/webhooks/svix")
    gone = stack.pulumi("preview", "--refresh", "--diff", "--expect-no-changes", ok=(7,))
    assert "+ backstop:clerk:WebhookEndpoint: (create)" in gone
    stack.up("--refresh")
    assert clerk_state(sandbox, instance)["svix_endpoints"] == baseline["svix_endpoints"]
    (new_secret,) = svix_secrets(sandbox, instance)
    revealed = json.loads(stack.pulumi("stack", "output", "--json", "--show-secrets"))
    assert revealed["clerk_webhook_secrets"] == {"convex-users": new_secret}, "the new secret is exported"
    stack.clean()


def test_write_only_settings_changed_behind_backstops_back_come_back_with_reapply(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    seed(sandbox)
    instance = INSTANCES["staging"]
    stack = Stack(engine, tmp_path)
    stack.up()
    baseline = clerk_state(sandbox, instance)

    clerk_call(sandbox, "PATCH", "/instance", {"development_origin": "https://elsewhere.example.com"})
    clerk_call(sandbox, "PATCH", "/instance/restrictions", {"block_disposable_email_domains": False})
    changed = clerk_state(sandbox, instance)
    assert changed["instance"] != baseline["instance"] and changed["restrictions"] != baseline["restrictions"]
    stack.clean()  # Clerk can't show these: the drift is invisible, as the README says

    stack.pulumi("config", "set", "reapply", "restore-20261127T0900Z")  # what `backstop restore` sets
    plan = stack.pulumi("preview", "--diff")
    assert "~ backstop:clerk:InstanceSettings: (update)" in plan
    assert "~ backstop:clerk:InstanceRestrictions: (update)" in plan
    stack.up()
    assert clerk_state(sandbox, instance) == baseline
    stack.clean()


@pytest.mark.trials
@pytest.mark.parametrize("kill_at", kill_points("clerk", [2, 9]))
def test_a_killed_update_converges_on_rerun_without_duplicates(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path, kill_at: int
) -> None:
    instance = INSTANCES["staging"]
    stack = Stack(engine, tmp_path)
    clerk_call(sandbox, "GET", "/instance")  # the sandbox sets a new instance up on first use
    pristine = configuration(sandbox, instance)
    sandbox.http.post("/_sandbox/faults", json={"kind": "latency", "latency_ms": 150}).raise_for_status()
    engine.backend.mkdir(parents=True, exist_ok=True)
    command = [str(VENV_BIN / "pulumi"), "up", "--yes", "--non-interactive", "--stack", "staging"]
    update = subprocess.Popen(
        [*command, "--config-file", str(stack.config)],
        cwd=ROOT,
        env=engine.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while sandbox.config_writes() < kill_at:
        assert time.monotonic() < deadline and update.poll() is None, "the update ended before the kill"
        time.sleep(0.05)
    os.kill(update.pid, signal.SIGKILL)
    assert update.wait(timeout=30) == -signal.SIGKILL
    time.sleep(2)  # requests the plugin had in flight finish or fail
    sandbox.http.delete("/_sandbox/faults")
    # Whichever writes came first (some leave clerk_state as it was: the Svix application's creation, an
    # instance PATCH of values it already had), the instance's data is no longer as it was.
    assert configuration(sandbox, instance) != pristine, "the killed run had changed the instance"

    # What `backstop up` and `restore` do first: put back a checkpoint the kill left truncated (it happens
    # when the kill lands during a checkpoint write), then cancel the dead run's lock.
    subprocess.run(
        [
            str(VENV_BIN / "python"),
            "-c",
            "from backstop.runbook.workspace import repair_checkpoint; repair_checkpoint('staging')",
        ],
        cwd=ROOT,
        env=engine.env(),
        check=True,
    )
    stack.pulumi("cancel", "--yes")
    stack.up("--refresh")
    stack.clean()
    assert_matches_document(sandbox, stack.document)
    live = clerk_state(sandbox, instance)
    assert len(live["redirect_urls"]) == len(set(live["redirect_urls"])) == 3, "no duplicate redirect URLs"
    assert len(live["svix_endpoints"]) == 1, "no duplicate Svix endpoints"
    assert len(sandbox.dump()["svix"][instance]["applications"]) == 1


def test_every_type_imports_by_its_documented_id(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    seed(sandbox)
    instance = INSTANCES["staging"]
    stack = Stack(engine, tmp_path)
    full = stack.document.read_text()
    stack.write(lambda data: data.__setitem__("clerk", {}))
    stack.up()  # the ClerkAuth component, with no children yet

    live = sandbox.dump()
    clerk = live["clerk"][instance]
    app = "https://staging.derrimut247.com.au"
    by_url = {r["url"]: r["id"] for r in clerk["redirect_urls"].values()}
    (template_id,) = clerk["jwt_templates"]
    by_identifier = {i["identifier"]: i["id"] for i in clerk["allowlist_identifiers"].values()}
    (endpoint_id,) = live["svix"][instance]["endpoints"]
    resources = [
        ("RedirectUrl", "clerk-redirect-url-sso-callback", by_url[f"{app}/sso-callback"]),
        ("RedirectUrl", "clerk-redirect-url-oauth-callback", by_url[f"{app}/oauth-callback"]),
        ("RedirectUrl", "clerk-redirect-url-native-oauth-callback", by_url["derrimut://oauth-callback"]),
        ("JwtTemplate", "clerk-jwt-template-convex", template_id),
        (
            "AllowlistIdentifier",
            "clerk-allowlist-identifier-qa-email",
            by_identifier["qa@derrimut247.com.au"],
        ),
        ("AllowlistIdentifier", "clerk-allowlist-identifier-qa-phone", by_identifier["+61412345678"]),
        ("OrganizationSettings", "clerk-organization-settings", instance),
        ("InstanceSettings", "clerk-instance-settings", instance),
        ("InstanceRestrictions", "clerk-instance-restrictions", instance),
        ("WebhookEndpoint", "clerk-webhook-convex-users", endpoint_id),
    ]
    spec = {
        "nameTable": {"clerk": "urn:pulumi:staging::platform-config::backstop:components:ClerkAuth::clerk"},
        "resources": [
            {"type": f"backstop:clerk:{kind}", "name": name, "id": rid, "parent": "clerk"}
            for kind, name, rid in resources
        ],
    }
    (tmp_path / "import.json").write_text(json.dumps(spec))
    sandbox.http.delete("/_sandbox/requests")
    stack.pulumi("import", "--file", str(tmp_path / "import.json"), "--yes", "--generate-code=false")

    stack.document.write_text(full)
    plan = stack.pulumi("preview", "--refresh", "--diff")
    assert "(create)" not in plan and "(replace)" not in plan and "(delete)" not in plan
    stack.up()
    assert creates(sandbox) == [], "imported, nothing created"
    assert_matches_document(sandbox, stack.document)
    stack.clean()


def test_domains_the_primary_asserted_satellites_managed_drift_restored(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    seed(sandbox)
    instance = INSTANCES["prod"]
    stack = Stack(engine, tmp_path, "prod")
    primary = {"key": "primary", "name": "derrimut247.com.au", "primary": True}
    proxied = {**primary, "proxy_url": "https://derrimut247.com.au/__clerk"}
    kids = {"key": "kids", "name": "derrimutkids.com.au"}
    stack.write(lambda data: data["clerk"].__setitem__("domains", [proxied, kids]))
    stack.up()
    assert_matches_document(sandbox, stack.document)

    def domains() -> dict[str, Any]:
        return {d["name"]: d for d in sandbox.dump()["clerk"][instance]["domains"].values()}

    # Out of band: the satellite moved to a proxy, the primary's proxy removed, an unmanaged satellite.
    live = domains()
    path = f"/domains/{live['derrimutkids.com.au']['id']}"
    clerk_call(sandbox, "PATCH", path, {"proxy_url": "https://derrimutkids.com.au/p"}, stack="prod")
    clerk_call(
        sandbox, "PATCH", f"/domains/{live['derrimut247.com.au']['id']}", {"proxy_url": None}, stack="prod"
    )
    clerk_call(sandbox, "POST", "/domains", {"name": "rogue.example.com", "is_satellite": True}, stack="prod")
    drift = stack.pulumi("preview", "--refresh", "--diff", "--expect-no-changes", ok=(7,))
    assert "clerk-domain-kids" in drift and "clerk-domain-primary" in drift
    stack.up("--refresh")
    assert_matches_document(sandbox, stack.document)
    assert "rogue.example.com" in domains(), "an unmanaged domain is reported by drift, never deleted by up"
    stack.clean()

    # Dropped from the document: the satellite is deleted, the primary only stops being asserted.
    stack.write(lambda data: data["clerk"].__setitem__("domains", []))
    stack.up()
    assert sorted(domains()) == ["derrimut247.com.au", "rogue.example.com"]

    # A primary that isn't the instance's is refused, with no domain written.
    sandbox.http.delete("/_sandbox/requests")
    wrong = {**primary, "name": "derrimut.example.com"}
    stack.write(lambda data: data["clerk"].__setitem__("domains", [wrong]))
    failed = stack.pulumi("up", "--yes", "--skip-preview", ok=(1,))
    assert (
        "is not the primary domain of ins_derrimut_prod (its primary domain is derrimut247.com.au)" in failed
    )
    assert not [
        r for r in sandbox.requests()["by_route"] if "/v1/domains" in r and not r.startswith("clerk GET")
    ]

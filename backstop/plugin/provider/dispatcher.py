"""The provider server: configuration, then each engine call routed to the handler of its type."""

from __future__ import annotations

import importlib
import os
from functools import cache

from pulumi.provider.experimental.provider import (
    CheckRequest,
    CheckResponse,
    ConfigureRequest,
    ConfigureResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    GetSchemaRequest,
    GetSchemaResponse,
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)

from backstop.plugin.clients.errors import VendorError
from backstop.plugin.model.secret_bearing import (
    NEEDS_CHECKPOINTS,
    SECRET_BEARING,
    SKIP_CHECKPOINTS_ENV,
    checkpoints_skipped,
)
from backstop.plugin.provider.config import ProviderConfig
from backstop.plugin.provider.context import ProviderContext, ProviderError
from backstop.plugin.provider.resource import ResourceHandler
from backstop.plugin.provider.schema import package_schema

# Each type's handler, imported when the engine first asks for that type: a plugin serving Stripe only
# never loads the Clerk and Vapi models and clients (the engine starts this plugin for every run).
REGISTRY: dict[str, str] = {
    "backstop:stripe:WebhookEndpoint": "stripe_webhook_endpoint:WebhookEndpointHandler",
    "backstop:stripe:Product": "stripe_product:ProductHandler",
    "backstop:stripe:Price": "stripe_price:PriceHandler",
    "backstop:stripe:Meter": "stripe_meter:MeterHandler",
    "backstop:clerk:RedirectUrl": "clerk_redirect_url:RedirectUrlHandler",
    "backstop:clerk:JwtTemplate": "clerk_jwt_template:JwtTemplateHandler",
    "backstop:clerk:AllowlistIdentifier": "clerk_allowlist_identifier:AllowlistIdentifierHandler",
    "backstop:clerk:OrganizationSettings": "clerk_organization_settings:OrganizationSettingsHandler",
    "backstop:clerk:InstanceSettings": "clerk_instance_settings:InstanceSettingsHandler",
    "backstop:clerk:InstanceRestrictions": "clerk_instance_settings:InstanceRestrictionsHandler",
    "backstop:clerk:WebhookEndpoint": "clerk_webhook_endpoint:WebhookEndpointHandler",
    "backstop:clerk:Domain": "clerk_domain:DomainHandler",
    "backstop:vapi:Tool": "vapi_tool:ToolHandler",
    "backstop:vapi:Assistant": "vapi_assistant:AssistantHandler",
    "backstop:vapi:Squad": "vapi_squad:SquadHandler",
    "backstop:convex:EnvironmentVariable": "convex_environment_variable:EnvironmentVariableHandler",
}


@cache
def handler_class(token: str) -> type[ResourceHandler]:
    if token not in REGISTRY:
        raise ProviderError(f"unknown resource type {token}")
    module, name = REGISTRY[token].split(":")
    cls: type[ResourceHandler] = getattr(importlib.import_module(f"{__package__}.{module}"), name)
    return cls


def all_handlers() -> list[type[ResourceHandler]]:
    """Every handler, in registry order (the schema lists them all)."""
    return [handler_class(token) for token in REGISTRY]


class BackstopProvider(Provider):
    def __init__(self) -> None:
        self._ctx = ProviderContext(ProviderConfig())

    def _handler(self, qualified: str) -> ResourceHandler:
        token = qualified.rsplit("$", 1)[-1]  # URN types carry the parents' types before a `$`
        return handler_class(token)(self._ctx)

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        return GetSchemaResponse(schema=package_schema(all_handlers()))

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        self._ctx = ProviderContext(ProviderConfig.from_args(request.args))
        return ConfigureResponse(accept_secrets=True, supports_preview=True, accept_outputs=True)

    async def check(self, request: CheckRequest) -> CheckResponse:
        return self._handler(request.type).check(request.new_inputs)

    async def diff(self, request: DiffRequest) -> DiffResponse:
        return self._handler(request.type).diff(request.old_state, request.new_inputs)

    async def create(self, request: CreateRequest) -> CreateResponse:
        handler = self._handler(request.type)
        if request.preview:
            return CreateResponse(resource_id="", properties=handler.preview_outputs(request.properties))
        spec = handler.validate(handler.from_wire(request.properties))
        if handler.token in SECRET_BEARING and checkpoints_skipped(dict(os.environ)):
            raise ProviderError(
                f"{NEEDS_CHECKPOINTS}: {request.urn} is not created in a run that skips checkpoints "
                f"({SKIP_CHECKPOINTS_ENV}): its signing secret, shown only in the vendor's answer, would be "
                "recorded nowhere. Run the update again with checkpoints."
            )
        with _vendor_errors():
            resource_id, outputs = await handler.create(request.urn, spec)
        return CreateResponse(resource_id=resource_id, properties=handler.to_wire(outputs))

    async def read(self, request: ReadRequest) -> ReadResponse:
        handler = self._handler(request.type)
        with _vendor_errors():
            outputs = await handler.read(request.resource_id, handler.from_wire(request.properties))
        if outputs is None:
            return ReadResponse(resource_id="")
        wire = handler.to_wire(outputs)
        inputs = handler.kept_inputs(request.inputs or {}, handler.inputs_on_wire(wire))
        return ReadResponse(resource_id=request.resource_id, properties=wire, inputs=inputs)

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        handler = self._handler(request.type)
        if request.preview:
            return UpdateResponse(properties={**request.olds, **request.news})
        spec = handler.validate(handler.from_wire(request.news))
        with _vendor_errors():
            outputs = await handler.update(request.resource_id, handler.from_wire(request.olds), spec)
        return UpdateResponse(properties=handler.to_wire(outputs))

    async def delete(self, request: DeleteRequest) -> None:
        handler = self._handler(request.type)
        with _vendor_errors():
            await handler.delete(request.resource_id, handler.from_wire(request.properties))


class _vendor_errors:
    """Report vendor failures as one clear line (the message never holds a credential)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        if isinstance(exc, VendorError):
            raise ProviderError(str(exc)) from None

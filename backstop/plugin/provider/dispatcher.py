"""The provider server: configuration, then each engine call routed to the handler of its type."""

from __future__ import annotations

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
from backstop.plugin.provider.clerk_allowlist_identifier import AllowlistIdentifierHandler
from backstop.plugin.provider.clerk_instance_settings import (
    InstanceRestrictionsHandler,
    InstanceSettingsHandler,
)
from backstop.plugin.provider.clerk_jwt_template import JwtTemplateHandler
from backstop.plugin.provider.clerk_organization_settings import OrganizationSettingsHandler
from backstop.plugin.provider.clerk_redirect_url import RedirectUrlHandler
from backstop.plugin.provider.clerk_webhook_endpoint import (
    WebhookEndpointHandler as ClerkWebhookEndpointHandler,
)
from backstop.plugin.provider.config import ProviderConfig
from backstop.plugin.provider.context import ProviderContext, ProviderError
from backstop.plugin.provider.resource import ResourceHandler
from backstop.plugin.provider.schema import package_schema
from backstop.plugin.provider.stripe_price import PriceHandler
from backstop.plugin.provider.stripe_product import ProductHandler
from backstop.plugin.provider.stripe_webhook_endpoint import WebhookEndpointHandler
from backstop.plugin.provider.vapi_assistant import AssistantHandler
from backstop.plugin.provider.vapi_squad import SquadHandler
from backstop.plugin.provider.vapi_tool import ToolHandler

HANDLERS: list[type[ResourceHandler]] = [
    WebhookEndpointHandler,
    ProductHandler,
    PriceHandler,
    RedirectUrlHandler,
    JwtTemplateHandler,
    AllowlistIdentifierHandler,
    OrganizationSettingsHandler,
    InstanceSettingsHandler,
    InstanceRestrictionsHandler,
    ClerkWebhookEndpointHandler,
]
HANDLERS += [ToolHandler, AssistantHandler, SquadHandler]


class BackstopProvider(Provider):
    def __init__(self) -> None:
        self._ctx = ProviderContext(ProviderConfig())

    def _handler(self, qualified: str) -> ResourceHandler:
        token = qualified.rsplit("$", 1)[-1]  # URN types carry the parents' types before a `$`
        for handler in HANDLERS:
            if handler.token == token:
                return handler(self._ctx)
        raise ProviderError(f"unknown resource type {token}")

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        return GetSchemaResponse(schema=package_schema(HANDLERS))

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
        with _vendor_errors():
            resource_id, outputs = await handler.create(request.urn, spec)
        return CreateResponse(resource_id=resource_id, properties=handler.to_wire(outputs))

    async def read(self, request: ReadRequest) -> ReadResponse:
        handler = self._handler(request.type)
        with _vendor_errors():
            outputs = await handler.read(request.resource_id, handler.from_wire(request.properties))
        if outputs is None:
            return ReadResponse(resource_id="")
        return ReadResponse(
            resource_id=request.resource_id,
            properties=handler.to_wire(outputs),
            inputs=handler.to_wire(handler.inputs_of(outputs)),
        )

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

"""The provider server: configuration, then each engine call routed to the resource of its type."""

from __future__ import annotations

from typing import Any

from pulumi.provider.experimental.provider import (
    CheckFailure,
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

from sandbox.vercel_plugin import project_environment_variable as single
from sandbox.vercel_plugin.client import VercelApi
from sandbox.vercel_plugin.errors import PluginError
from sandbox.vercel_plugin.props import PropertyMap, plain_map, secret_names, wire_map
from sandbox.vercel_plugin.schema import package_schema
from sandbox.vercel_plugin.settings import settings_from, unknown_config_keys

Json = dict[str, Any]
SECRETS: dict[str, frozenset[str]] = {single.TOKEN: single.SECRETS}


class VercelProvider(Provider):
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._api: VercelApi | None = None

    @property
    def api(self) -> VercelApi:
        if self._api is None:
            raise PluginError(
                "Provider not configured",
                "set the Vercel API token with `pulumi config set --secret vercel:apiToken …`",
            )
        return self._api

    @staticmethod
    def _token(request_type: str) -> str:
        token = request_type.rsplit("$", 1)[-1]  # URN types carry the parents' types before a `$`
        if token not in SECRETS:
            raise PluginError("Unknown resource type", f"the vercel plugin double does not implement {token}")
        return token

    def _wire(self, token: str, state: Json, secret_inputs: frozenset[str] = frozenset()) -> PropertyMap:
        return wire_map(state, SECRETS[token] | secret_inputs)

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        return GetSchemaResponse(schema=package_schema())

    async def check_config(self, request: CheckRequest) -> CheckResponse:
        unknown = unknown_config_keys(request.new_inputs)
        failures = [CheckFailure(k, f"Invalid or unknown key: vercel:{k}") for k in unknown]
        inputs = dict(request.new_inputs)
        return CheckResponse(inputs=inputs, failures=failures or None)

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        settings = settings_from(request.args)
        if self._api is not None:
            await self._api.aclose()
        self._api = None if settings is None else VercelApi(self.base_url, settings.token, settings.team)
        return ConfigureResponse(accept_secrets=True, supports_preview=True, accept_outputs=True)

    async def check(self, request: CheckRequest) -> CheckResponse:
        self._token(request.type)
        return single.check(request.new_inputs)

    async def diff(self, request: DiffRequest) -> DiffResponse:
        self._token(request.type)
        return single.diff(request.old_state, request.new_inputs)

    async def create(self, request: CreateRequest) -> CreateResponse:
        token = self._token(request.type)
        news = plain_map(request.properties)
        secret = secret_names(request.properties)
        if request.preview:
            return CreateResponse(
                resource_id="", properties=self._wire(token, single.preview({}, news), secret)
            )
        resource_id, state = await single.create(self.api, news)
        return CreateResponse(resource_id=resource_id, properties=self._wire(token, state, secret))

    async def read(self, request: ReadRequest) -> ReadResponse:
        token = self._token(request.type)
        if not request.properties:
            resource_id, state = await single.import_(self.api, request.resource_id)
            inputs = single.inputs_of(state, None)
            return ReadResponse(resource_id, self._wire(token, state), self._wire(token, inputs))
        secret = secret_names(request.properties) | secret_names(request.inputs)
        found = await single.read(self.api, request.resource_id, plain_map(request.properties))
        if found is None:
            return ReadResponse(resource_id="")
        resource_id, state = found
        inputs = single.inputs_of(state, plain_map(request.inputs))
        return ReadResponse(resource_id, self._wire(token, state, secret), self._wire(token, inputs, secret))

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        token = self._token(request.type)
        olds, news = plain_map(request.olds), plain_map(request.news)
        secret = secret_names(request.news)
        if request.preview:
            return UpdateResponse(properties=self._wire(token, single.preview(olds, news), secret))
        state = await single.update(self.api, request.resource_id, olds, news)
        return UpdateResponse(properties=self._wire(token, state, secret))

    async def delete(self, request: DeleteRequest) -> None:
        self._token(request.type)
        await single.delete(self.api, request.resource_id, plain_map(request.properties))

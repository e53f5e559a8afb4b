"""Entry point the engine starts through the installed `pulumi-resource-vercel` launcher."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
from typing import Any

import grpc  # type: ignore[import-untyped]
from pulumi.provider.experimental.server import ProviderServicer
from pulumi.runtime.proto import provider_pb2_grpc

from sandbox.vercel_plugin import VERSION
from sandbox.vercel_plugin.errors import PluginError
from sandbox.vercel_plugin.guard import RealVercelRefused, sandbox_base_url
from sandbox.vercel_plugin.provider import VercelProvider

MAX_MESSAGE = 400 * 1024 * 1024
RPCS = ("CheckConfig", "Configure", "GetSchema", "Check", "Diff", "Create", "Read", "Update", "Delete")


def _diagnostic(name: str) -> Any:
    """The SDK's servicer method, but a PluginError reaches the engine as its message alone (as the
    bridge reports a Terraform diagnostic), not wrapped with the plugin's stack trace."""
    inner = getattr(ProviderServicer, name)

    async def method(self: ProviderServicer, request: Any, context: Any) -> Any:
        try:
            return await inner(self, request, context)
        except Exception as exc:
            if isinstance(exc.__context__, PluginError):
                await context.abort(grpc.StatusCode.UNKNOWN, str(exc.__context__))
            raise

    return method


DiagnosticServicer = type("DiagnosticServicer", (ProviderServicer,), {n: _diagnostic(n) for n in RPCS})


async def serve(engine: str, args: list[str], provider: VercelProvider) -> None:
    server = grpc.aio.server(
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE),
            ("grpc.max_send_message_length", MAX_MESSAGE),
        ]
    )
    servicer = DiagnosticServicer(args, VERSION, provider, engine_address=engine)
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, server)
    port = server.add_insecure_port(address="127.0.0.1:0")
    await server.start()
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    orphaned = asyncio.create_task(_engine_gone(os.getppid()))
    serving = asyncio.create_task(server.wait_for_termination())
    await asyncio.wait({orphaned, serving}, return_when=asyncio.FIRST_COMPLETED)
    if orphaned.done():
        await server.stop(grace=None)
    serving.cancel()


async def _engine_gone(engine_pid: int, interval: float = 0.5) -> None:
    """Returns once the engine that started the double is gone: an engine killed with SIGKILL (as the kill
    trials do) can't stop its plugins, and an orphaned double would serve on after every such run."""
    while os.getppid() == engine_pid:
        await asyncio.sleep(interval)


def main() -> None:
    try:
        base_url = sandbox_base_url()
    except RealVercelRefused as exc:
        print(f"pulumi-resource-vercel (offline double): refusing to start: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    parser = argparse.ArgumentParser(description="the offline vercel provider plugin double")
    parser.add_argument("engine", help="the engine's gRPC address")
    known, _ = parser.parse_known_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(known.engine, sys.argv[1:], VercelProvider(base_url)))


if __name__ == "__main__":
    main()

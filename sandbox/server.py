"""Runs the sandbox in the foreground on 127.0.0.1."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import uvicorn
import uvloop

from sandbox.app import build_app
from sandbox.core.context import Sandbox
from sandbox.core.ids import IdFactory
from sandbox.core.store import Store


def serve(port: int, state: Path | None, seed: int | None = None, port_file: Path | None = None) -> None:
    """Binds first (port 0 picks a free one), then prints and optionally writes the port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit it: without it, Nagle holds the body uvicorn writes after the
    # headers until the client's delayed ACK, 40 ms per keep-alive request.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", port))
    # Listen before the port is announced: connections made while uvicorn still starts up wait in the
    # backlog instead of being refused.
    sock.listen(2048)
    bound = sock.getsockname()[1]
    app = build_app(Sandbox(store=Store(state), ids=IdFactory(seed), public_url=f"http://127.0.0.1:{bound}"))
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    print(f"sandbox listening on http://127.0.0.1:{bound} (state: {state or 'memory only'})", flush=True)
    if port_file is not None:
        port_file.write_text(f"{bound}\n")
    try:
        uvloop.run(server.serve(sockets=[sock]))
    except KeyboardInterrupt:
        sys.exit(0)

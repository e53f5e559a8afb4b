"""A recording HTTP(S) forward proxy that lets nothing through: every connection it receives is logged
(the CONNECT target or the absolute URL) and refused with 403. A test points HTTP_PROXY and HTTPS_PROXY at
it to prove that no process reached outside the servers it is meant to use."""

from __future__ import annotations

import socketserver
import threading
from types import TracebackType


class RecordingProxy:
    def __init__(self) -> None:
        self.connections: list[str] = []
        """The first line of every request received: `CONNECT api.stripe.com:443 HTTP/1.1`, …"""
        log = self.connections

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                line = self.rfile.readline(4096).decode("latin-1").strip()
                log.append(line or "(empty)")
                self.wfile.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def env(self) -> dict[str, str]:
        """Every proxy variable the HTTP clients in play read (httpx, the Stripe SDK, Go, Node)."""
        return {
            name: self.url
            for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
        }

    def __enter__(self) -> RecordingProxy:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

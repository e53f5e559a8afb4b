"""Every vendor client shares one verifying TLS context instead of loading the CA bundle for each."""

from __future__ import annotations

import ssl

from backstop.plugin.clients.json_http import JsonHttp
from backstop.plugin.clients.tls import tls_context


def test_vendor_clients_share_one_verifying_context() -> None:
    context = tls_context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0  # a CA bundle is loaded

    clients = [JsonHttp(vendor, f"https://api.{vendor}.example", {}) for vendor in ("clerk", "vapi")]
    pools = [client._client._transport._pool for client in clients]  # type: ignore[attr-defined]
    assert all(pool._ssl_context is context for pool in pools)

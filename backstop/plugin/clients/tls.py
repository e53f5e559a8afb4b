"""One TLS context per process for every vendor client.

httpx builds a context (loading the CA bundle, ~40 ms) for each client it creates unless given one,
and a plugin or command talks to up to six vendors, each through its own client.
"""

from __future__ import annotations

import functools
import ssl

import httpx


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The context httpx builds by default: certifi's bundle, or SSL_CERT_FILE / SSL_CERT_DIR when set."""
    return httpx.create_ssl_context()

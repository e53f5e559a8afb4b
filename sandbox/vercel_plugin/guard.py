"""Where the double may send requests: a Vercel emulation named by BACKSTOP_VERCEL_BASE_URL, never Vercel."""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlsplit

BASE_URL_VARIABLE = "BACKSTOP_VERCEL_BASE_URL"


class RealVercelRefused(Exception):
    """The double was started without a sandbox base URL, or pointed at the real Vercel."""


def sandbox_base_url(environ: Mapping[str, str] | None = None) -> str:
    """The base URL of the Vercel emulation, e.g. http://127.0.0.1:8787/vercel, checked."""
    value = (os.environ if environ is None else environ).get(BASE_URL_VARIABLE, "").strip()
    if not value:
        raise RealVercelRefused(
            f"the offline vercel plugin double needs {BASE_URL_VARIABLE} (the sandbox's /vercel base URL, "
            "printed by `backstop sandbox env`); it never talks to the real Vercel. To use the real Vercel, "
            "run with the default PULUMI_HOME, where `pulumi plugin install resource vercel 5.21.1` "
            "installs pulumiverse's plugin"
        )
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise RealVercelRefused(f"{BASE_URL_VARIABLE}={value!r} is not an http(s) URL")
    if host == "vercel.com" or host.endswith(".vercel.com"):
        raise RealVercelRefused(
            f"{BASE_URL_VARIABLE} points at the real Vercel ({host}): the offline plugin double only talks "
            "to the sandbox. Use pulumiverse's own plugin against the real Vercel"
        )
    return value.rstrip("/")

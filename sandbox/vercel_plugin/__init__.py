"""An offline double of pulumiverse-vercel's provider plugin (`vercel` 5.21.1), for the sandbox only.

The real plugin is a Go build of terraform-provider-vercel behind the Pulumi bridge; it can't be built or
downloaded on these machines. This double speaks the same resource schema for the resources Backstop
declares, behaves as the Terraform provider does (ids, import ids, ENV_CONFLICT, sensitive values never
read back), and calls the Vercel REST API at BACKSTOP_VERCEL_BASE_URL: the sandbox, never api.vercel.com.
It is installed only into the sandbox's own PULUMI_HOME (see `install.py`).
"""

from __future__ import annotations

NAME = "vercel"
VERSION = "5.21.1"
"""The pulumiverse-vercel release whose schema this double implements; the engine asks for this version."""

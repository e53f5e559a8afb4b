"""Adopting live objects that a plain create would refuse (Vercel's ENV_CONFLICT) through `pulumi import`."""

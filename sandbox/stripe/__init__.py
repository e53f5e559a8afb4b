"""Stripe API emulation (v1, form-encoded)."""

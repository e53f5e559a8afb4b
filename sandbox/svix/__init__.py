"""Svix API emulation: the applications Clerk creates for its instances' webhooks, and their endpoints."""

"""Async API clients: base URL and transport injectable; auth, errors, retries and pagination per vendor."""

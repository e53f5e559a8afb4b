"""Clerk Backend API emulation (JSON, `/v1`), two instances: development (staging) and production."""

"""Vercel REST API emulation: projects, project environment variables and deploy hooks (JSON)."""

"""Vapi: an org's tools, assistants, squads and its legacy (read-only) workflows."""

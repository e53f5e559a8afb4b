"""Vendor-neutral parts of the emulator: state store, ids, request log, HTTP plumbing."""

"""Drift beyond what a refresh preview sees: out-of-band writes to write-only values, unmanaged objects."""

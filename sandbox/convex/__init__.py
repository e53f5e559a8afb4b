"""Convex deployment emulation: the snapshot export and import endpoints the Convex CLI uses, and the
part of the WebSocket sync protocol its system queries need."""

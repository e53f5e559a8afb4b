"""Database backups: Convex exports through the pinned Convex CLI, encrypted with age into a backup store
outside git, catalogued beside the configuration backups, restored with a safety export and verified."""

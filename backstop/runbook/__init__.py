"""What the operations are built from: the engine workspace and stack session, backups, capture, drift,
restore, drill, the Convex database, adoption, alerts and reports."""

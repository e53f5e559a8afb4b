"""Disaster-recovery drills in the sandbox: the runbook's scenarios, timed phase by phase."""

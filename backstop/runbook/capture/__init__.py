"""Reading live configuration into a desired-state document: an existing account adopted without typing."""

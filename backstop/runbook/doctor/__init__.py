"""`backstop doctor`'s checks: one line each, passing or failing with the fix."""

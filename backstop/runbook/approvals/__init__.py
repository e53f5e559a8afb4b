"""Signed approvals: who holds which role and key (approvals.yaml), approval files signed with SSH keys,
their verification before any change, the single-use record in the stack's state backend, and the gate
the Pulumi program runs on a protected stack."""

"""The `backstop` Pulumi provider plugin: Stripe, Clerk/Svix and Vapi objects."""

VERSION = "0.1.0"

"""Program-side resource classes, one per type token of the `backstop` provider (thin)."""

"""Signed test deliveries: prove each managed webhook endpoint's app accepts what the vendor would send.

`targets` lists the endpoints of a document, `events` builds the harmless test events, `signing` signs
them as Stripe and Svix do, `delivery` sends them and judges the answers, `followers` names the variables
that should hold each endpoint's secret, and `report` is what `backstop check` (and a restore) reports.
"""

"""The derrimut platform's Convex deployments: prod `spotted-gerbil-236` and staging `quiet-otter-512`,
each with the runbook's 26 tables (its named users, memberships, orders and bookings, and the rest of a
24/7 gym's app: classes, trainers, AI plans, voice calls, …) holding a few documents each, linked by id.
Every person, email and number is made up."""

from __future__ import annotations

from typing import Any

from sandbox.convex import environment
from sandbox.convex.state import Deployment, Json
from sandbox.core.accounts import by_name, keys
from sandbox.core.context import Sandbox

DEPLOYMENTS = {"spotted-gerbil-236": "prod", "quiet-otter-512": "staging"}
TABLES = (
    "users",
    "memberships",
    "membershipPlans",
    "payments",
    "invoices",
    "orders",
    "orderItems",
    "products",
    "bookings",
    "classes",
    "classSessions",
    "trainers",
    "trainerAvailability",
    "locations",
    "checkIns",
    "workoutPlans",
    "dietPlans",
    "exercises",
    "progressLogs",
    "aiPlanRequests",
    "voiceCalls",
    "notifications",
    "supportTickets",
    "referrals",
    "webhookEvents",
    "auditLogs",
)
PEOPLE = [
    ("Ava", "Nguyen", "member"),
    ("Liam", "Patel", "member"),
    ("Mia", "Kowalski", "member"),
    ("Noah", "Haddad", "trainer"),
    ("Zoe", "Fraser", "admin"),
]
PLANS = [
    ("18-month-minimum", "18-Month Minimum", 1995),
    ("12-month-minimum", "12-Month Minimum", 2495),
    ("no-lock-in", "No Lock-in", 3495),
    ("12-month-upfront", "12-Month Upfront", 99900),
]
DAY_MS = 86_400_000
EPOCH_MS = 1_767_225_600_000
"""2026-01-01T00:00:00Z: the fixture's dates count from here."""


def _seed(d: Deployment, side: str) -> dict[str, list[Json]]:
    made: dict[str, list[Json]] = {t: [] for t in TABLES}
    test = side == "staging"

    def add(table: str, **fields: Any) -> Json:
        doc = d.insert(table, fields)
        made[table].append(doc)
        return doc

    def day(n: int) -> float:
        return float(EPOCH_MS + n * DAY_MS)

    locations = [
        add("locations", name="Derrimut", address="1 Example Rd, Derrimut VIC", open24h=True),
        add("locations", name="Sunshine", address="2 Sample St, Sunshine VIC", open24h=True),
        add("locations", name="Footscray", address="3 Demo Ave, Footscray VIC", open24h=False),
    ]
    users = [
        add(
            "users",
            clerkId=f"user_{side}_{first.lower()}",
            email=f"{first.lower()}.{last.lower()}@{'test.' if test else ''}example.com",
            name=f"{first} {last}",
            role=role,
            homeLocationId=locations[i % 3]["_id"],
            createdAt=day(i),
        )
        for i, (first, last, role) in enumerate(PEOPLE)
    ]
    members = [u for u in users if u["role"] == "member"]
    plans = [
        add("membershipPlans", slug=slug, name=name, amountCents=cents, currency="aud", active=True)
        for slug, name, cents in PLANS
    ]
    memberships = [
        add(
            "memberships",
            userId=u["_id"],
            planId=plans[i]["_id"],
            status=("active", "active", "paused")[i],
            stripeSubscriptionId=f"sub_{side}_{i:04d}",
            startedAt=day(10 + i),
        )
        for i, u in enumerate(members)
    ]
    for i, m in enumerate(memberships):
        invoice = add(
            "invoices",
            membershipId=m["_id"],
            stripeInvoiceId=f"in_{side}_{i:04d}",
            amountCents=plans[i]["amountCents"],
            status="paid",
        )
        add(
            "payments",
            invoiceId=invoice["_id"],
            userId=m["userId"],
            amountCents=invoice["amountCents"],
            method="card",
        )
    products = [
        add("products", sku="SHAKER-700", name="Shaker bottle", priceCents=1500, stock=40),
        add("products", sku="TOWEL-GYM", name="Gym towel", priceCents=1200, stock=25),
        add("products", sku="PROTEIN-1KG", name="Whey protein 1 kg", priceCents=5900, stock=12),
    ]
    for i, u in enumerate(members):
        order = add("orders", userId=u["_id"], status=("paid", "shipped", "refunded")[i], totalCents=0)
        items = [products[i], products[(i + 1) % 3]]
        for item in items:
            add(
                "orderItems",
                orderId=order["_id"],
                productId=item["_id"],
                quantity=1,
                priceCents=item["priceCents"],
            )
        order["totalCents"] = sum(p["priceCents"] for p in items)
    trainer = next(u for u in users if u["role"] == "trainer")
    trainers = [
        add(
            "trainers",
            userId=trainer["_id"],
            bio="Strength and conditioning",
            specialties=["strength", "hiit"],
        ),
        add("trainers", userId=users[-1]["_id"], bio="Yoga and mobility", specialties=["yoga"]),
    ]
    for t in trainers:
        add("trainerAvailability", trainerId=t["_id"], weekday=1, startTime="06:00", endTime="12:00")
    classes = [
        add(
            "classes",
            name="HIIT 45",
            trainerId=trainers[0]["_id"],
            capacity=20,
            locationId=locations[0]["_id"],
        ),
        add(
            "classes",
            name="Yoga Flow",
            trainerId=trainers[1]["_id"],
            capacity=15,
            locationId=locations[1]["_id"],
        ),
        add(
            "classes", name="Spin", trainerId=trainers[0]["_id"], capacity=25, locationId=locations[0]["_id"]
        ),
    ]
    sessions = [
        add("classSessions", classId=c["_id"], startsAt=day(30 + i), spotsLeft=5)
        for i, c in enumerate(classes)
    ]
    for i, u in enumerate(members):
        add("bookings", userId=u["_id"], sessionId=sessions[i]["_id"], status="confirmed", bookedAt=day(29))
        add("checkIns", userId=u["_id"], locationId=locations[i]["_id"], at=day(20 + i), method="qr")
    exercises = [
        add("exercises", name="Back squat", muscle="legs"),
        add("exercises", name="Bench press", muscle="chest"),
        add("exercises", name="Deadlift", muscle="posterior chain"),
        add("exercises", name="Plank", muscle="core"),
    ]
    for i, u in enumerate(members):
        request = add(
            "aiPlanRequests", userId=u["_id"], goal=("strength", "fat loss", "mobility")[i], status="done"
        )
        add(
            "workoutPlans",
            userId=u["_id"],
            requestId=request["_id"],
            weeks=8,
            exerciseIds=[exercises[i]["_id"], exercises[3]["_id"]],
        )
        add("dietPlans", userId=u["_id"], requestId=request["_id"], dailyCalories=2200 - 150 * i)
        add("progressLogs", userId=u["_id"], at=day(40 + i), weightKg=70.5 + i, notes="felt strong")
        add(
            "voiceCalls",
            userId=u["_id"],
            vapiCallId=f"call_{side}_{i:04d}",
            workflowId="e13b1b19-3cd5-42ab-ba5d-7c46bf989a6e",
            durationSeconds=95 + 20 * i,
        )
        add("notifications", userId=u["_id"], kind="class_reminder", read=i == 0)
    add("supportTickets", userId=members[0]["_id"], subject="Pause my membership", status="open")
    add("supportTickets", userId=members[1]["_id"], subject="Door code not working", status="closed")
    add("referrals", referrerId=members[0]["_id"], referredEmail="friend@example.com", status="joined")
    add("referrals", referrerId=members[1]["_id"], referredEmail="mate@example.com", status="invited")
    for i, kind in enumerate(("invoice.paid", "user.created", "customer.subscription.updated")):
        add(
            "webhookEvents",
            source="clerk" if kind.startswith("user") else "stripe",
            type=kind,
            receivedAt=day(i),
        )
    for i, action in enumerate(("membership.paused", "plan.updated", "refund.issued")):
        add("auditLogs", actorId=users[-1]["_id"], action=action, at=day(50 + i))
    return made


ENVIRONMENT: dict[str, dict[str, str]] = {
    "spotted-gerbil-236": {
        "CLERK_JWT_ISSUER_DOMAIN": "https://clerk.derrimut247.com.au",
        "GEMINI_API_KEY": "sandbox-gemini-api-key-not-real",
        "GEMINI_MODEL": "gemini-2.5-flash",
        "VAPI_API_KEY": keys("vapi")["org_derrimut"],
    },
    "quiet-otter-512": {
        "CLERK_JWT_ISSUER_DOMAIN": "https://staging-clerk.derrimut247.com.au",
        "GEMINI_API_KEY": "sandbox-gemini-api-key-not-real",
        "GEMINI_MODEL": "gemini-2.5-flash",
        "VAPI_API_KEY": keys("vapi")["org_derrimut"],
    },
}
"""What each deployment's functions read besides the webhook secrets (which `derrimut` is given)."""


def derrimut(sandbox: Sandbox, webhook_secrets: dict[str, dict[str, str]]) -> dict[str, Any]:
    """Each deployment's tables, emptied first, with their document counts; and its environment variables:
    `ENVIRONMENT` plus `webhook_secrets[deployment]` (the signing secrets its HTTP actions verify with)."""
    created: dict[str, Any] = {}
    for name, side in DEPLOYMENTS.items():
        account = by_name("convex", name)
        assert account is not None
        deployment = Deployment(sandbox, account)
        for table in list(deployment.tables()):
            deployment.drop_table(table)
        made = _seed(deployment, side)
        variables = deployment.collection(environment.TABLE)
        variables.clear()
        for variable, value in sorted({**ENVIRONMENT[name], **webhook_secrets.get(name, {})}.items()):
            variables[variable] = {"name": variable, "value": value}
        created[name] = {
            "stack": side,
            "tables": {table: len(docs) for table, docs in made.items()},
            "environment_variables": sorted(variables),
        }
    return created

"""The demo company's platform work: six platform teams, twelve items each.

Periods are quarter offsets from the current quarter (0), ``None`` is backlog.
``needs`` lists the items an item depends on; ``stale`` items stopped reporting
three weeks ago; ``note`` is the newest status note where the story needs one.
"""

from __future__ import annotations

from typing import NamedTuple


class DemoItem(NamedTuple):
    key: str
    title: str
    description: str
    priority: str
    estimate: float | None
    periods: tuple[int, int] | None
    status: str
    health: str = "on_track"
    needs: tuple[str, ...] = ()
    stale: bool = False
    note: str = ""


I = DemoItem  # noqa: E741  (keeps the tables below readable)

# fmt: off

INFRA = (
    I("INFRA-1", "Kubernetes 1.31 upgrade across production clusters",
      "Upgrade the three production clusters and retire the deprecated ingress annotations "
      "before 1.29 goes out of support.", "P1", 10, (0, 0), "in_progress", needs=("INFRA-4",)),
    I("INFRA-2", "Multi-region database failover",
      "PostgreSQL replicas in eu-west and eu-central with automated failover in under five "
      "minutes, rehearsed monthly.", "P1", 24, (0, 1), "in_progress", "at_risk",
      note="Failover drill took 14 minutes against a target of 5; replication lag under load "
      "is the cause. Ledger work that builds on this should plan for a slip."),
    I("INFRA-3", "Service mesh with mTLS between all services",
      "Roll the mesh sidecar out to every namespace and enforce mutual TLS, replacing the "
      "hand-rolled client certificates.", "P1", 14, (1, 1), "committed", needs=("INFRA-1",)),
    I("INFRA-4", "Short-lived credentials and secrets rotation",
      "Move service credentials to dynamic secrets with automatic rotation, so no static "
      "database password is left anywhere.", "P1", 8, (0, 0), "done"),
    I("INFRA-5", "Redis cluster for rate limits and sessions",
      "A managed, replicated Redis cluster sized for per-tenant rate-limit counters and "
      "session storage.", "P1", 6, (0, 0), "in_progress"),
    I("INFRA-6", "Preview environments for every pull request",
      "Spin up a namespaced copy of the stack for each pull request and tear it down on merge.",
      "P2", 12, (2, 2), "proposed", needs=("INFRA-3",)),
    I("INFRA-7", "Cost allocation tags and FinOps reports",
      "Tag every cloud resource by team and service and publish a weekly cost report per team.",
      "P3", 5, (2, 2), "proposed"),
    I("INFRA-8", "EU data residency for object storage",
      "Separate EU buckets with lifecycle and replication rules, so customer files never "
      "leave the EU.", "P1", 8, (1, 1), "committed"),
    I("INFRA-9", "Edge CDN for images and static assets",
      "Serve product images and web bundles from the edge, with automatic WebP and AVIF "
      "conversion.", "P2", 10, (1, 1), "committed"),
    I("INFRA-10", "Autoscaling CI runners on spot instances",
      "Move CI to an autoscaling fleet of spot instances to halve queue times and cost.",
      "P3", 6, (3, 3), "proposed"),
    I("INFRA-11", "Automated disaster-recovery game days",
      "Scripted quarterly drills for losing a region, with recovery time measured and "
      "reported.", "P2", 6, (3, 4), "proposed", needs=("INFRA-2",)),
    I("INFRA-12", "OpenTelemetry tracing for all services",
      "Instrument every service with OpenTelemetry and send traces to one backend, so a "
      "request can be followed end to end.", "P1", 16, (0, 1), "in_progress", stale=True),
)

MSG = (
    I("MSG-1", "Kafka 3.8 upgrade with KRaft",
      "Upgrade the event bus and drop ZooKeeper: a rolling upgrade with no consumer downtime.",
      "P1", 10, (0, 0), "in_progress", needs=("INFRA-4",)),
    I("MSG-2", "Event schema registry with compatibility checks",
      "A central registry of event schemas that stops producers from publishing breaking "
      "changes. Owners are looked up in the data catalog.", "P1", 8, (0, 0), "in_progress",
      needs=("DATA-3",)),
    I("MSG-3", "Transactional outbox library",
      "A shared library for Python and Go services that publishes events reliably from the "
      "same database transaction.", "P1", 6, (0, 0), "done"),
    I("MSG-4", "Webhook delivery service",
      "Signed webhook delivery to merchants with retries, exponential backoff and a "
      "delivery log.", "P1", 12, (1, 1), "committed", needs=("MSG-1", "INFRA-5")),
    I("MSG-5", "Push notification gateway",
      "One gateway in front of APNs and FCM, with per-user preferences and delivery receipts.",
      "P1", 8, (1, 1), "committed", needs=("MSG-1",)),
    I("MSG-6", "E-mail and SMS templating service",
      "Localised, versioned templates for transactional e-mail and SMS, with previews and "
      "test sends.", "P1", 8, (1, 2), "committed", needs=("MSG-3",)),
    I("MSG-7", "Dead-letter tooling and event replay",
      "Inspect, fix and replay dead-lettered events from an admin page instead of ad hoc "
      "scripts.", "P2", 5, (2, 2), "proposed", needs=("MSG-2",)),
    I("MSG-8", "Exactly-once consumers for billing events",
      "Idempotent consumer groups with deduplication, so a billing event is never charged "
      "twice.", "P1", 10, (2, 2), "committed", needs=("MSG-1", "MSG-3")),
    I("MSG-9", "Per-tenant event quotas",
      "Protect the bus from noisy tenants with per-tenant publish quotas and alerts.",
      "P3", 4, (3, 3), "proposed"),
    I("MSG-10", "Retire the RabbitMQ clusters",
      "Move the last eleven queues to Kafka and switch the old clusters off.",
      "P2", 12, (3, 4), "proposed", needs=("MSG-1",)),
    I("MSG-11", "In-app notification inbox API",
      "Store and serve in-app notifications with read state, for web and mobile.",
      "P2", 6, (2, 2), "proposed", needs=("MSG-5",)),
    I("MSG-12", "Event replay for analytics backfills",
      "Replay a topic's history into a new consumer to backfill analytics tables.",
      "P3", 6, None, "proposed"),
)

IDN = (
    I("IDN-1", "Passkey sign-in (WebAuthn)",
      "Customers register and sign in with passkeys on web, iOS and Android, with a "
      "password fallback.", "P1", 10, (0, 1), "in_progress", "at_risk", needs=("INFRA-4",),
      note="Android credential manager bug blocks passkey sign-in on Android 13; waiting on "
      "a Play Services update. iOS and web are on track."),
    I("IDN-2", "OAuth 2.1 authorization server",
      "Replace the in-house token service with a standards-compliant OAuth 2.1 server, PKCE "
      "everywhere.", "P0", 16, (0, 1), "in_progress", needs=("INFRA-4",)),
    I("IDN-3", "Organisation accounts with roles and invitations",
      "Accounts shared by several people, with owner, admin and member roles and e-mail "
      "invitations.", "P1", 12, (1, 1), "committed", needs=("MSG-3",)),
    I("IDN-4", "Risk-based step-up authentication",
      "Ask for a second factor only when the risk score of a session or payment is high.",
      "P2", 8, (2, 2), "proposed", needs=("IDN-2",)),
    I("IDN-5", "SCIM provisioning for enterprise customers",
      "Provision and deprovision users automatically from Okta and Entra ID.",
      "P2", 10, (3, 3), "proposed", needs=("IDN-3",)),
    I("IDN-6", "Session management API",
      "List a customer's signed-in devices and revoke any of them, from the app or by support.",
      "P2", 5, (1, 1), "committed", needs=("INFRA-5",)),
    I("IDN-7", "Sign in with Apple and Google",
      "Social sign-in, linked to existing e-mail accounts.", "P1", 6, (0, 0), "done"),
    I("IDN-8", "Consent and privacy preferences service",
      "One source of truth for marketing consent and privacy choices, with an audit trail "
      "for GDPR requests.", "P1", 8, (1, 1), "committed", needs=("DATA-5",)),
    I("IDN-9", "Machine-to-machine tokens for partner APIs",
      "Client-credentials tokens with scopes for partners calling the public API.",
      "P2", 6, (2, 2), "proposed", needs=("IDN-2",)),
    I("IDN-10", "Security event log for customers",
      "A tamper-evident log of sign-ins, password changes and role changes that customers "
      "can export.", "P3", 5, (3, 3), "proposed", needs=("MSG-2",)),
    I("IDN-11", "Identity verification (KYC) provider integration",
      "Document and liveness checks for merchant owners through a KYC provider, with "
      "documents kept in the EU.", "P1", 12, (2, 3), "proposed", needs=("INFRA-8",)),
    I("IDN-12", "Breached password detection",
      "Reject passwords found in known breaches at sign-up and reset.",
      "P3", 3, None, "proposed"),
)

PAY = (
    I("PAY-1", "Tokenised cards API",
      "Store cards as network tokens and charge them through one API, replacing raw card "
      "number storage.", "P0", 12, (0, 0), "in_progress", needs=("INFRA-4",)),
    I("PAY-2", "3-D Secure 2 authentication service",
      "One service for 3DS2 across card schemes, using the frictionless flow wherever the "
      "issuer allows it.", "P0", 10, (0, 1), "in_progress", "off_track",
      note="Scheme certification slipped: the test cards from the card scheme arrive six "
      "weeks late. Earliest go-live is the end of next quarter."),
    I("PAY-3", "Apple Pay and Google Pay support",
      "Wallet payments through the tokenised cards API, including merchant domain "
      "verification.", "P1", 8, (1, 1), "committed", needs=("PAY-1",)),
    I("PAY-4", "Refunds and partial captures API",
      "Full and partial refunds and captures with idempotency keys and webhook notifications.",
      "P1", 8, (1, 1), "committed", needs=("MSG-3",)),
    I("PAY-5", "Multi-currency settlement ledger",
      "A double-entry ledger that settles in 14 currencies and reconciles daily with the "
      "acquirers.", "P1", 20, (1, 2), "committed", needs=("INFRA-2",)),
    I("PAY-6", "Card vault migration off the legacy provider",
      "Move 40 million stored cards to the new vault without asking any customer to "
      "re-enter a card.", "P2", 14, (2, 3), "proposed", needs=("PAY-1",)),
    I("PAY-7", "Buy now, pay later provider integration",
      "Instalment payments through a BNPL provider, with eligibility checks and settlement.",
      "P3", 10, (3, 3), "proposed"),
    I("PAY-8", "SEPA and ACH direct-debit mandates",
      "Collect and manage direct-debit mandates for recurring payments in the EU and the US.",
      "P1", 12, (1, 2), "committed", needs=("MSG-3",)),
    I("PAY-9", "Payout scheduling API",
      "Merchants choose daily, weekly or monthly payouts and see their upcoming payout dates.",
      "P1", 10, (3, 3), "proposed", needs=("PAY-5",)),
    I("PAY-10", "Fraud scoring v2 in the authorisation path",
      "Score every authorisation with the new model in under 50 ms, using real-time features.",
      "P1", 14, (2, 3), "proposed", needs=("DATA-4",)),
    I("PAY-11", "Chargeback evidence API",
      "Submit dispute evidence to the card schemes through one API and track the deadlines.",
      "P2", 6, None, "proposed"),
    I("PAY-12", "Decommission the legacy payment gateway",
      "Switch off the 2016 gateway once the last merchants have moved.",
      "P3", 8, (4, 4), "proposed", needs=("PAY-6",)),
)

DATA = (
    I("DATA-1", "Streaming ingestion into the lakehouse",
      "Land every event topic in the lakehouse within five minutes, replacing the nightly "
      "batch loads.", "P1", 14, (0, 0), "in_progress", needs=("MSG-3",)),
    I("DATA-2", "Self-serve metrics layer",
      "Define revenue, conversion and retention once, as semantic models that every dashboard "
      "and team queries.", "P1", 16, (1, 1), "committed", needs=("DATA-1",)),
    I("DATA-3", "Data catalog with field-level lineage",
      "Catalogue every table and event with its owner and field-level lineage, fed from the "
      "schema registry.", "P2", 10, (0, 1), "in_progress", needs=("MSG-2",), stale=True),
    I("DATA-4", "Real-time feature store",
      "Serve features such as 'orders in the last hour' online in milliseconds, and offline "
      "for training.", "P1", 18, (1, 2), "committed", needs=("DATA-1",)),
    I("DATA-5", "GDPR deletion across the warehouses",
      "Delete a customer's personal data from every warehouse table within 30 days of a "
      "request, with proof.", "P0", 10, (0, 0), "in_progress"),
    I("DATA-6", "Experimentation platform",
      "An assignment service and automatic metric analysis for A/B tests, so teams stop "
      "building their own.", "P1", 12, (1, 1), "committed", needs=("DATA-1",)),
    I("DATA-7", "Warehouse migration to Iceberg tables",
      "Move the warehouse to open Iceberg tables to cut storage cost and allow time travel.",
      "P2", 20, (1, 2), "committed", needs=("DATA-1",)),
    I("DATA-8", "Event tracking SDK v3",
      "One tracking SDK for web, iOS and Android, with typed events checked against the "
      "schema registry.", "P1", 8, (1, 1), "committed", needs=("MSG-2",)),
    I("DATA-9", "Customer 360 profile service",
      "One profile per customer joining orders, support tickets and consent, served by API.",
      "P2", 12, (2, 3), "proposed", needs=("IDN-8",)),
    I("DATA-10", "Data quality checks and freshness SLAs",
      "Automated checks on key tables that alert the owning team when data is late or wrong.",
      "P3", 6, (2, 2), "proposed", needs=("DATA-3",)),
    I("DATA-11", "Embedded analytics API for merchants",
      "Aggregated sales and customer metrics per merchant, for embedding in the dashboard.",
      "P1", 10, (2, 2), "committed", needs=("DATA-2",)),
    I("DATA-12", "Query cost governance",
      "Budgets and alerts on expensive warehouse queries, per team.",
      "P3", 5, None, "proposed"),
)

GW = (
    I("GW-1", "Public API v2",
      "Consistent pagination, errors and versioning across the public API, described in "
      "OpenAPI.", "P1", 12, (0, 1), "in_progress"),
    I("GW-2", "Per-merchant API keys with scopes",
      "Merchants create, scope and roll their own API keys; keys are hashed and shown once.",
      "P1", 8, (0, 0), "in_progress", needs=("INFRA-4",)),
    I("GW-3", "Rate limits by plan tier",
      "Limits per API key that follow the merchant's plan, with clear headers and 429 "
      "responses.", "P2", 6, (1, 1), "committed", needs=("INFRA-5", "GW-2")),
    I("GW-4", "GraphQL federation gateway",
      "A federated GraphQL layer over the domain services for web and mobile clients.",
      "P2", 14, (1, 2), "cancelled",
      note="Cancelled after the architecture review: we build the mobile backend-for-frontend "
      "(GW-12) instead of federating every service."),
    I("GW-5", "Partner sandbox environment",
      "A sandbox with test cards and simulated webhooks, so partners can build without "
      "touching production.", "P2", 8, (1, 1), "committed", needs=("GW-2",)),
    I("GW-6", "Request signing and replay protection",
      "Signed requests with timestamps for high-value endpoints such as payouts.",
      "P1", 6, (1, 1), "committed", needs=("GW-2",)),
    I("GW-7", "API usage metering",
      "Count billable API calls per merchant and hand the totals to billing every hour.",
      "P1", 8, (2, 2), "committed", needs=("MSG-1", "DATA-1")),
    I("GW-8", "Developer portal with interactive docs",
      "Docs generated from the OpenAPI description, with a try-it console and code samples.",
      "P2", 10, (2, 3), "proposed", needs=("GW-1",)),
    I("GW-9", "Webhook management endpoints",
      "API endpoints to register webhook URLs, rotate signing secrets and replay deliveries.",
      "P1", 5, (2, 2), "committed", needs=("MSG-4",)),
    I("GW-10", "Canary routing and traffic shadowing",
      "Send a slice of live traffic to a new version, or a copy of it to a shadow, before a "
      "full rollout.", "P3", 6, (3, 3), "proposed", needs=("INFRA-3", "INFRA-12")),
    I("GW-11", "Retire public API v1",
      "Move the last integrators to v2 and switch v1 off after six months' notice.",
      "P3", 4, (4, 5), "proposed", needs=("GW-1", "GW-8")),
    I("GW-12", "Backend-for-frontend for the mobile app",
      "A mobile-specific API layer that batches calls and trims payloads for slow networks.",
      "P1", 10, (1, 1), "committed", needs=("GW-2",)),
)

# fmt: on

PLATFORM_ITEMS: dict[str, tuple[DemoItem, ...]] = {
    "idn": IDN,
    "pay": PAY,
    "data": DATA,
    "gw": GW,
    "infra": INFRA,
    "msg": MSG,
}

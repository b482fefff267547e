"""Typed SQLAlchemy models, one module per aggregate."""

from app.models.access_token import TOKEN_SCOPES, AccessToken
from app.models.audit import AuditEvent, AuditEventItem
from app.models.autoschedule_run import AutoscheduleRun
from app.models.conflict import ConflictDecision
from app.models.import_draft import ImportDraft
from app.models.item import Dependency, Item
from app.models.mail import OutgoingMail
from app.models.notification import (
    CHANNELS,
    NOTIFICATION_EVENTS,
    ChatMessage,
    Notification,
    NotificationPreference,
)
from app.models.period import Period
from app.models.revision import PlanChange, PlanRevision
from app.models.scenario import Scenario, ScenarioChange
from app.models.session import UserSession
from app.models.snapshot import SnapshotItem, WeeklySnapshot
from app.models.status import StatusUpdate
from app.models.team import Team, TeamCapacity
from app.models.user import ROLES, TeamMembership, User
from app.models.webhook import (
    WEBHOOK_EVENTS,
    AnnouncedConflict,
    ConflictBaseline,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

__all__ = [
    "CHANNELS",
    "NOTIFICATION_EVENTS",
    "ChatMessage",
    "Notification",
    "NotificationPreference",
    "ROLES",
    "TOKEN_SCOPES",
    "WEBHOOK_EVENTS",
    "AccessToken",
    "AnnouncedConflict",
    "AuditEvent",
    "AuditEventItem",
    "AutoscheduleRun",
    "ConflictBaseline",
    "ConflictDecision",
    "Dependency",
    "ImportDraft",
    "Item",
    "OutgoingMail",
    "Period",
    "PlanChange",
    "PlanRevision",
    "Scenario",
    "ScenarioChange",
    "SnapshotItem",
    "StatusUpdate",
    "Team",
    "TeamCapacity",
    "TeamMembership",
    "User",
    "UserSession",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "WeeklySnapshot",
]

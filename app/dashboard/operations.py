"""What people do about conflicts: acknowledge one, accept its risk, or withdraw
that decision. Plain functions that check, mutate, flush and never commit; the
audit history records each change (ConflictDecision is audited)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.alignment import Analysis, Conflict
from app.clock import utcnow
from app.errors import Refused
from app.extensions import db
from app.fields import NOTE_MAX, too_long
from app.models import ConflictDecision, User
from app.plan_store import analyze_plan

DECISION_STATES = ("acknowledged", "accepted")


class DecisionError(Refused):
    """A decision the rules refuse; the message is for the user, `field` names the
    form field it concerns."""


class ConflictGone(LookupError):
    """No current conflict (or no decision) has this fingerprint."""


def find_conflict(fingerprint: str, analysis: Analysis | None = None) -> Conflict:
    analysis = analysis or analyze_plan()
    for conflict in analysis.conflicts:
        if conflict.fingerprint == fingerprint:
            return conflict
    raise ConflictGone(f"No current conflict has the fingerprint {fingerprint}.")


def live_conflict(
    fingerprint: str, live: Analysis, shown: Analysis, scenario_name: str
) -> Conflict:
    """The live conflict that a decision asked for inside scenario ``scenario_name``
    (whose analysis is ``shown``) is about. A decision is about the live plan's
    conflict with this fingerprint, whichever plan the person is looking at: one
    that the live plan has too is decided there (and the scenario, laid over the
    live plan, shows the decision as well). One that only the scenario has is
    refused (DecisionError), since the live plan has nothing to decide about;
    ConflictGone when neither has it."""
    try:
        return find_conflict(fingerprint, live)
    except ConflictGone:
        find_conflict(fingerprint, shown)
    raise DecisionError(
        f"This conflict is only in scenario {scenario_name}: decisions are made on the live "
        "plan's conflicts, and the live plan does not have this one. Nothing was recorded. "
        "Change the scenario to resolve it, or decide about it once it is live."
    )


def check_decision(state: str, note: str) -> str:
    """The note as stored, or a DecisionError."""
    if state not in DECISION_STATES:
        raise DecisionError("Choose to acknowledge the conflict or to accept its risk.", "state")
    note = (note or "").strip()
    if not note:
        raise DecisionError("Say why in a note: it is what others will read.", "note")
    if len(note) > NOTE_MAX:
        raise DecisionError(too_long("note", NOTE_MAX), "note")
    return note


def decide(
    fingerprint: str,
    state: str,
    note: str,
    *,
    actor: User,
    analysis: Analysis | None = None,
) -> ConflictDecision:
    """Acknowledge a current conflict or accept its risk, replacing any earlier
    decision about it. The decision holds while the conflict's fingerprint stands."""
    note = check_decision(state, note)
    conflict = find_conflict(fingerprint, analysis)
    decision = db.session.scalar(
        select(ConflictDecision).where(ConflictDecision.fingerprint == fingerprint)
    )
    if decision is None:
        decision = ConflictDecision(fingerprint=fingerprint, conflict_type=conflict.type)
        try:
            with db.session.begin_nested():
                _fill(decision, state, note, actor)
                db.session.add(decision)
        except IntegrityError:
            # Someone decided the same conflict a moment ago: this decision replaces theirs.
            decision = db.session.scalars(
                select(ConflictDecision).where(ConflictDecision.fingerprint == fingerprint)
            ).one()
        else:
            return decision
    _fill(decision, state, note, actor)
    db.session.flush()
    return decision


def _fill(decision: ConflictDecision, state: str, note: str, actor: User) -> None:
    decision.state = state
    decision.note = note
    decision.user_id = actor.id
    decision.by = actor.email
    decision.at = utcnow()


def withdraw(fingerprint: str) -> ConflictDecision:
    """Remove the decision about a conflict: it counts as open again."""
    decision = db.session.scalar(
        select(ConflictDecision).where(ConflictDecision.fingerprint == fingerprint)
    )
    if decision is None:
        raise ConflictGone(f"No decision has the fingerprint {fingerprint}.")
    db.session.delete(decision)
    db.session.flush()
    return decision

"""The weekly digest by e-mail, Monday morning (DIGEST_AT), of the week just ended.

It is the digest of the digest page and `flask digest` (app.status.digest_data,
built once for everyone), cut down to the teams each person follows, with the
conflict trend of the last weeks and what needs a decision on top. Leadership
(viewers and admins) follow every team; planners and contributors the teams they
belong to, and a planner who belongs to none every team. It goes by each person's
``weekly_digest`` channel (by default a mail), once per person per week (the
notification ``digest:<week>``, the mail ``digest:<week>:user:<id>``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.alignment import SEVERITIES
from app.clock import utcnow
from app.dashboard.snapshots import TrendWeek, load_trend
from app.extensions import db
from app.mail.outbox import queue_mail
from app.models import Team, User
from app.notifications.notify import Note, Planned, absolute, deliver, path_of, plan
from app.notifications.notify import unsubscribe_url as unsubscribe_link
from app.plan_store import analyze_plan
from app.status.digest import Digest, TeamDigest, team_sections
from app.status.digest_data import load_digest
from app.weeks import iso_week

EVENT = "weekly_digest"
TREND_WEEKS = 6
DECISION = "Needs a decision"
LEADERSHIP = ("viewer", "admin")


def followers() -> list[tuple[User, frozenset[str] | None]]:
    """Everyone who follows the digest with the slugs of the teams they follow
    (None: every team)."""
    slugs = dict(db.session.execute(select(Team.id, Team.slug)).all())
    people = db.session.scalars(
        select(User)
        .where(User.active.is_(True))
        .options(selectinload(User.memberships))
        .order_by(User.email)
    )
    found = []
    for person in people:
        theirs = frozenset(slugs[t] for t in person.team_ids if t in slugs)
        if person.role in LEADERSHIP or (person.role == "planner" and not theirs):
            found.append((person, None))
        elif theirs:
            found.append((person, theirs))
    return found


def part_of(digest: Digest, slugs: frozenset[str] | None) -> Digest:
    """The digest of these teams only."""
    if slugs is None:
        return digest
    return replace(digest, teams=[team for team in digest.teams if team.slug in slugs])


def trend_lines(trend: list[TrendWeek]) -> list[str]:
    """Open conflicts week by week, the last being now, and how the last moved."""
    lines = []
    for week in trend:
        if week.by_severity is None:
            lines.append(f"{week.week}: no snapshot")
            continue
        by = ", ".join(f"{week.by_severity[s]} {s}" for s in SEVERITIES if week.by_severity[s])
        name = f"{week.week} (now)" if week.live else week.week
        lines.append(f"{name}: {week.open} open" + (f" ({by})" if by else ""))
    known = [week for week in trend if week.open is not None]
    if len(known) >= 2:
        moved = known[-1].open - known[-2].open
        change = "no change" if moved == 0 else f"{'up' if moved > 0 else 'down'} {abs(moved)}"
        lines.append(f"Since {known[-2].week}: {change}.")
    return lines


@dataclass(frozen=True, slots=True)
class DigestMail:
    """One person's digest: their part of it, split for the mail, and the trend."""

    digest: Digest
    trend: list[str]
    decisions: list[tuple[TeamDigest, list[str]]]
    teams: list[tuple[TeamDigest, list[tuple[str, list[str]]]]]

    @classmethod
    def of(cls, digest: Digest, trend: list[str]) -> DigestMail:
        decisions, teams = [], []
        for team in digest.reporting:
            sections = team_sections(team, digest.compared)
            decisions += [(team, lines) for heading, lines in sections if heading == DECISION]
            rest = [(heading, lines) for heading, lines in sections if heading != DECISION]
            if rest:
                teams.append((team, rest))
        return cls(digest, trend, decisions, teams)

    @property
    def summary(self) -> str:
        decide = sum(len(team.needs_decision) for team in self.digest.teams)
        changed = sum(len(team.health_changes) for team in self.digest.teams)
        return (
            f"{_plural(decide, 'conflict')} to decide, {_plural(changed, 'health change')}, "
            f"{_plural(len(self.digest.teams), 'team')} followed"
        )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _note(week: str, body: str = "") -> Note:
    return Note(
        EVENT, f"digest:{week}", f"Weekly digest {week}", path_of("status.digest", week=week), body
    )


def digest_mails(week: str) -> list[tuple[Planned, DigestMail | None]]:
    """Who gets the digest of ``week`` and their part of it (nothing is written).
    The digest is built only when someone is still to get it (else each part is
    None); a WeekError for a week that is none or has not begun."""
    following = followers()
    planned = plan((person, _note(week)) for person, _slugs in following)
    if not any(p.goes_out for p in planned):
        return [(p, None) for p in planned]
    now = utcnow()
    whole = load_digest(week, now)
    trend = trend_lines(load_trend(analyze_plan(), iso_week(now), TREND_WEEKS))
    slugs = {person.id: theirs for person, theirs in following}
    found = []
    for p in planned:
        mail = DigestMail.of(part_of(whole, slugs[p.user.id]), trend)
        found.append((replace(p, note=_note(whole.week, mail.summary)), mail))
    return found


def mail_digest(user: User, note: Note, mail: DigestMail) -> bool:
    """Queue one person's digest mail, once per week."""
    week = mail.digest.week
    stop = unsubscribe_link(user, EVENT)
    values = {
        "user": user,
        "mail": mail,
        "digest": mail.digest,
        "link": absolute(note.path),
        "my_week": absolute(path_of("status.my_week")),
        "unsubscribe": stop,
    }
    return queue_mail(
        f"digest:{week}:user:{user.id}",
        user.email,
        f"Weekly digest {week}: {note.body}",
        render_template("mail/digest.txt", **values),
        render_template("mail/digest.html", **values),
        unsubscribe_url=stop,
    )


def send_digest(week: str) -> int:
    """Send the digest of ``week`` to those who do not have it yet; how many. Never
    commits."""
    found = digest_mails(week)
    parts = {p.user.id: mail for p, mail in found}
    planned = [p for p, _mail in found]
    return deliver(planned, mail=lambda user, note: mail_digest(user, note, parts[user.id]))

"""The demo accounts, one per role, all with the password ``roadmap-demo-2027``."""

from __future__ import annotations

from sqlalchemy import func, select, update

from app.admin.operations import create_user, teams_by_slug
from app.extensions import db
from app.models import StatusUpdate, User
from app.seed.demo_teams import DEV_TEAMS

DEMO_PASSWORD = "roadmap-demo-2027"

# (e-mail, name, role, team slugs)
DEMO_USERS = (
    ("admin@example.com", "Alex Morgan", "admin", ()),
    ("planner@example.com", "Sam Rivera", "planner", ()),
    ("dev@example.com", "Jordan Lee", "contributor", DEV_TEAMS),
    ("lead@example.com", "Morgan Blake", "viewer", ()),
)


def create_demo_users() -> list[User]:
    """Create the demo accounts that do not exist yet (the others are left as they
    are) and credit each with the status updates written under their e-mail."""
    existing = set(db.session.scalars(select(func.lower(User.email))))
    created = []
    for email, name, role, slugs in DEMO_USERS:
        if email in existing:
            continue
        user = create_user(
            email=email, role=role, password=DEMO_PASSWORD, teams=teams_by_slug(slugs), name=name
        )
        db.session.execute(
            update(StatusUpdate)
            .where(func.lower(StatusUpdate.author) == email, StatusUpdate.author_id.is_(None))
            .values(author_id=user.id)
        )
        created.append(user)
    return created

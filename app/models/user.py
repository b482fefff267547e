from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.clock import utcnow
from app.extensions import db
from app.models.team import Team

ROLES = ("admin", "planner", "contributor", "viewer")


class User(UserMixin, db.Model):
    __tablename__ = "user"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'planner', 'contributor', 'viewer')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(12), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    memberships: Mapped[list["TeamMembership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    # The token of the session this account was signed in or loaded for (see
    # app.auth.operations); not a column.
    session_token = None
    # The scope of the access token an API request was signed in with; not a column.
    token_scope = None

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and remember cookies: the token of
        this browser's session record, so that ending the record ends both cookies."""
        if self.session_token is None:
            raise RuntimeError(f"{self!r} has no session: start one before login_user().")
        return self.session_token

    def __eq__(self, other: object) -> bool:
        # one account, whichever session it was loaded for (UserMixin compares get_id)
        return isinstance(other, User) and self.id is not None and self.id == other.id

    __hash__ = UserMixin.__hash__

    @property
    def team_ids(self) -> set[int]:
        return {m.team_id for m in self.memberships}

    def set_password(self, password: str) -> None:
        """Raises WeakPassword (a ValueError) for a password the policy refuses."""
        from app.auth.passwords import check_password  # app.auth imports the models

        check_password(password, self.email or "")
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class TeamMembership(db.Model):
    __tablename__ = "team_membership"
    __table_args__ = (UniqueConstraint("user_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)

    user: Mapped[User] = relationship(back_populates="memberships")
    team: Mapped[Team] = relationship()

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import db
from app.fields import NAME_MAX
from app.models.user import User

TOKEN_SCOPES = ("read", "write")


class AccessToken(db.Model):
    """A personal access token for the API (``Authorization: Bearer <token>``). It
    acts as its user, never beyond the user's role; a ``read`` token cannot write.
    The table keeps the token's SHA-256 and its first characters (to tell tokens
    apart in a list), never the token. It stops working when revoked, when it
    expires, and while its user is deactivated."""

    __tablename__ = "access_token"
    __table_args__ = (CheckConstraint("scope IN ('read', 'write')", name="scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    scope: Mapped[str] = mapped_column(String(5))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<AccessToken {self.prefix}… of user {self.user_id}>"

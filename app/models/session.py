from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import db


class UserSession(db.Model):
    """One signed-in browser. Its session cookie and its remember cookie carry a random
    token; the table keeps only the token's SHA-256, so that reading the table signs
    nobody in. A session ends when `revoked_at` is set: at sign-out, or for all of
    a user's sessions when their password changes or their account is deactivated."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    def __repr__(self) -> str:
        return f"<UserSession {self.id} of user {self.user_id}>"

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import db


class ImportDraft(db.Model):
    """Files uploaded on the Import page, kept between the preview and the import
    (in the database, so that any app process can finish what another began), and
    the mapping as adjusted on the page. Deleted once imported; drafts older than
    a day are deleted when a new one is made."""

    __tablename__ = "import_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # jira | jira-csv | linear-csv | github
    files: Mapped[str] = mapped_column(Text)  # JSON: [{"name": ..., "data": base64}]
    mapping: Mapped[str] = mapped_column(Text, default="", server_default="")  # TOML
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.period import Period


class Team(db.Model):
    __tablename__ = "team"
    __table_args__ = (
        CheckConstraint("kind IN ('platform', 'product')", name="kind"),
        CheckConstraint("default_capacity IS NULL OR default_capacity >= 0", name="capacity"),
        CheckConstraint("item_seq >= 0", name="item_seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10), index=True)
    default_capacity: Mapped[float | None] = mapped_column(Float)
    # The highest item number handed out for this team; keys are never reused.
    item_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    capacities: Mapped[list["TeamCapacity"]] = relationship(
        back_populates="team", cascade="all, delete-orphan"
    )

    @property
    def key_prefix(self) -> str:
        return self.slug.upper()

    def __repr__(self) -> str:
        return f"<Team {self.slug}>"


class TeamCapacity(db.Model):
    """A team's capacity in one period, overriding its default."""

    __tablename__ = "team_capacity"
    __table_args__ = (
        UniqueConstraint("team_id", "period_id"),
        CheckConstraint("person_weeks >= 0", name="person_weeks"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id", ondelete="CASCADE"), index=True)
    person_weeks: Mapped[float] = mapped_column(Float)

    team: Mapped[Team] = relationship(back_populates="capacities")
    period: Mapped[Period] = relationship()

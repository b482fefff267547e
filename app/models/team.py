from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.fields import NAME_MAX, SLUG_MAX
from app.models.period import Period


class Team(db.Model):
    __tablename__ = "team"
    __table_args__ = (
        CheckConstraint("kind IN ('platform', 'product')", name="kind"),
        CheckConstraint("default_capacity IS NULL OR default_capacity >= 0", name="capacity"),
        CheckConstraint("item_seq >= 0", name="item_seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_MAX), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    kind: Mapped[str] = mapped_column(String(10), index=True)
    default_capacity: Mapped[float | None] = mapped_column(Float)
    # The highest item number handed out for this team; keys are never reused.
    item_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Bumped whenever default_capacity changes (see below), so that the capacity
    # form can tell that the default it loaded is no longer current.
    capacity_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The team's chat channel: an incoming-webhook URL that gets its notifications.
    chat_channel_url: Mapped[str | None] = mapped_column(String(2000))

    capacities: Mapped[list["TeamCapacity"]] = relationship(
        back_populates="team", cascade="all, delete-orphan"
    )

    @property
    def key_prefix(self) -> str:
        return self.slug.upper()

    def __repr__(self) -> str:
        return f"<Team {self.slug}>"


@event.listens_for(Team, "before_update")
def _default_capacity_changed(_mapper, _connection, team: Team) -> None:
    """Any change of a team's default (the admin form, say) bumps its capacity
    version, in the same UPDATE, so that a capacity form loaded before is stale."""
    state = inspect(team)
    if (
        state.attrs.default_capacity.history.has_changes()
        and not state.attrs.capacity_version.history.has_changes()
    ):
        team.capacity_version = Team.capacity_version + 1


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
    # Every update and delete checks and bumps it (optimistic locking), as items do.
    version: Mapped[int] = mapped_column(Integer, server_default="1")

    team: Mapped[Team] = relationship(back_populates="capacities")
    period: Mapped[Period] = relationship()

    __mapper_args__ = {"version_id_col": version}

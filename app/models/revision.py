from sqlalchemy import CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

# What a change log entry names. "periods": any period changed (every period index
# may mean something else now); "plan": a bulk write (an import, a seed) changed
# anything at all.
CHANGE_KINDS = ("item", "dependency", "team", "decision", "periods", "plan")


class PlanRevision(db.Model):
    """One row that every change to the plan updates, in the same transaction:
    ``revision`` is the id of the newest entry of the change log, ``token`` is new
    with every change. Writers queue on this row, so revision numbers are handed out
    in commit order and a rolled-back change gives its numbers back (app.plan_store).
    """

    __tablename__ = "plan_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class PlanChange(db.Model):
    """The change log: one entry per thing changed, written in the same transaction
    as the change. Its id is the revision number the change made (no gaps, in commit
    order); the entries of one flush share the token the revision row got then.

    What changed, by kind: ``item`` (``item_id``: any field, a status update of it,
    its removal), ``dependency`` (the pair ``item_id`` needs ``dependency_id``),
    ``team`` (``team_id``: its fields, default capacity or a capacity override),
    ``decision`` (``fingerprint``), ``periods`` and ``plan`` (see CHANGE_KINDS).
    Only the newest entries are kept (app.plan_store.LOG_KEEPS)."""

    __tablename__ = "plan_change"
    __table_args__ = (
        CheckConstraint(f"kind IN ({', '.join(repr(k) for k in CHANGE_KINDS)})", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    token: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(10))
    item_id: Mapped[int | None] = mapped_column(Integer)
    dependency_id: Mapped[int | None] = mapped_column(Integer)
    team_id: Mapped[int | None] = mapped_column(Integer)
    fingerprint: Mapped[str | None] = mapped_column(String(64))

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class PlanRevision(db.Model):
    """One row whose token every change to the plan replaces, in the same
    transaction. Processes may reuse an analysis of the plan while the token they
    analysed under is still the current one (app.plan_store)."""

    __tablename__ = "plan_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))

from datetime import date

from sqlalchemy import CheckConstraint, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class Period(db.Model):
    """A planning period, normally a quarter; ordered by start date, never overlapping."""

    __tablename__ = "period"
    __table_args__ = (CheckConstraint("start_date <= end_date", name="start_before_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    start_date: Mapped[date] = mapped_column(Date, index=True)
    end_date: Mapped[date] = mapped_column(Date)

    def __repr__(self) -> str:
        return f"<Period {self.name}>"

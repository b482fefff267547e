"""The floor: the rows a plan snapshot needs, read with the database driver alone
(no SQLAlchemy, no objects). Nothing that builds a snapshot can beat it."""

from __future__ import annotations

import sqlite3

from sqlalchemy.engine import URL

QUERIES = (
    "SELECT id, name, start_date, end_date FROM period ORDER BY start_date",
    "SELECT team_id, period_id, person_weeks FROM team_capacity",
    "SELECT id, slug, name, kind, default_capacity FROM team",
    "SELECT item_id, max(at) FROM status_update GROUP BY item_id",
    "SELECT id, key, team_id, title, priority, start_period_id, end_period_id, estimate, "
    "status, health, created_at FROM item",
    "SELECT dependent_id, dependency_id, needed_by_period_id, commitment FROM dependency",
    "SELECT fingerprint, state, note, by, at FROM conflict_decision",
)


class Floor:
    def __init__(self, url: URL):
        if url.get_backend_name() == "sqlite":
            self.connection = sqlite3.connect(url.database)
        else:
            import psycopg

            self.connection = psycopg.connect(
                host=url.host or "127.0.0.1",
                port=url.port or 5432,
                user=url.username,
                password=url.password,
                dbname=url.database,
                autocommit=True,
            )

    def read(self) -> int:
        rows = 0
        cursor = self.connection.cursor()
        for query in QUERIES:
            cursor.execute(query)
            rows += len(cursor.fetchall())
        return rows

    def close(self) -> None:
        self.connection.close()

"""Upgrading keeps the rows: on SQLite a batch migration rebuilds a table (copy,
drop, rename), and the drop must not take the rows that refer to it along."""

from sqlalchemy import text


def test_upgrading_from_0008_keeps_every_dependency_and_status_update(
    alembic_runner, alembic_engine
):
    alembic_runner.migrate_up_to("0008_notifications")
    with alembic_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO team (id, slug, name, kind, item_seq, capacity_version) "
                "VALUES (1, 'pay', 'Payments', 'platform', 2, 1)"
            )
        )
        for n in (1, 2):
            connection.execute(
                text(
                    "INSERT INTO item (id, key, team_id, title, description, priority, "
                    "status, health, owner, created_at, updated_at, version) VALUES "
                    "(:n, :key, 1, 'An item', '', 1, 'committed', 'on_track', '', "
                    "'2026-11-18 12:00:00', '2026-11-18 12:00:00', 1)"
                ),
                {"n": n, "key": f"PAY-{n}"},
            )
        connection.execute(
            text(
                "INSERT INTO dependency (id, dependent_id, dependency_id, commitment, "
                "note, created_at, version) VALUES "
                "(1, 1, 2, 'requested', '', '2026-11-18 12:00:00', 1)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO status_update (id, item_id, week, health, status, note, at) "
                "VALUES (1, 1, '2026-W47', 'on_track', 'committed', '', '2026-11-18 12:00:00')"
            )
        )
    alembic_runner.migrate_up_to("heads")
    with alembic_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM item")).scalar() == 2
        assert connection.execute(text("SELECT count(*) FROM dependency")).scalar() == 1
        assert connection.execute(text("SELECT count(*) FROM status_update")).scalar() == 1

"""autoschedule runs: the web's Auto-schedule, run as a job with its progress

Revision ID: 0011_autoschedule_run
Revises: 0010_scenarios
Create Date: 2026-12-06 21:30:00.000000

``autoschedule_run`` holds each auto-scheduling of a scenario started from the web:
what was asked (pin, horizon period, the scenario's version), its state (queued,
running, done, failed), how far it has got (``done`` of ``total``), its outcome
(moves, whether feasible, why not, what it breaks) or its error, and the lease of
the job that runs it (``attempts``, ``next_attempt_at``), as deliveries and mails
have theirs. A partial unique index lets a scenario have one run queued or running
at a time. Not part of the plan: writing it does not move the plan's revision.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_autoschedule_run"
down_revision = "0010_scenarios"
branch_labels = None
depends_on = None

ACTIVE = sa.text("state IN ('queued', 'running')")


def upgrade():
    op.create_table(
        "autoschedule_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("pin", sa.String(length=12), nullable=False),
        sa.Column("horizon_period_id", sa.Integer(), nullable=True),
        sa.Column("scenario_version", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("done", sa.Integer(), server_default="0", nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("moves", sa.Integer(), nullable=True),
        sa.Column("feasible", sa.Boolean(), nullable=True),
        sa.Column("solver", sa.String(length=12), nullable=True),
        sa.Column("why", sa.JSON(), nullable=True),
        sa.Column("broken", sa.JSON(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "state IN ('queued', 'running', 'done', 'failed')",
            name=op.f("ck_autoschedule_run_state"),
        ),
        sa.CheckConstraint(
            "pin IN ('in_progress', 'committed', 'none')", name=op.f("ck_autoschedule_run_pin")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["user.id"],
            name=op.f("fk_autoschedule_run_requested_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["scenario_id"],
            ["scenario.id"],
            name=op.f("fk_autoschedule_run_scenario_id_scenario"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_autoschedule_run")),
    )
    with op.batch_alter_table("autoschedule_run", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_autoschedule_run_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_autoschedule_run_requested_by_id"), ["requested_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_autoschedule_run_scenario_id"), ["scenario_id"], unique=False
        )
        batch_op.create_index("ix_autoschedule_run_due", ["state", "next_attempt_at"], unique=False)
        batch_op.create_index(
            "ix_autoschedule_run_active",
            ["scenario_id"],
            unique=True,
            sqlite_where=ACTIVE,
            postgresql_where=ACTIVE,
        )


def downgrade():
    with op.batch_alter_table("autoschedule_run", schema=None) as batch_op:
        batch_op.drop_index("ix_autoschedule_run_active")
        batch_op.drop_index("ix_autoschedule_run_due")
        batch_op.drop_index(batch_op.f("ix_autoschedule_run_scenario_id"))
        batch_op.drop_index(batch_op.f("ix_autoschedule_run_requested_by_id"))
        batch_op.drop_index(batch_op.f("ix_autoschedule_run_created_at"))
    op.drop_table("autoschedule_run")

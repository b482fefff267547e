"""plan change log: what each revision of the plan changed, for workers to catch up

Revision ID: 0004_plan_change_log
Revises: 0003_user_session
Create Date: 2026-12-09 10:00:00.000000

``plan_change`` holds one entry per thing changed (an item, a dependency by its
pair, a team, a conflict decision; "periods" or "plan" for a change of every
period index or a bulk write), numbered by the revision the change made.
``plan_revision.revision`` is the newest number, handed out by the writer's update
of that row, so numbers are used in commit order (app.plan_store). An existing
plan starts at revision 0 with an empty log: each worker loads it whole once.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004_plan_change_log"
down_revision = "0003_user_session"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "plan_change",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("dependency_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "kind IN ('item', 'dependency', 'team', 'decision', 'periods', 'plan')",
            name=op.f("ck_plan_change_kind"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_change")),
    )
    with op.batch_alter_table("plan_revision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("plan_revision", schema=None) as batch_op:
        batch_op.drop_column("revision")
    op.drop_table("plan_change")

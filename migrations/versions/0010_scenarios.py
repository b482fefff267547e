"""scenarios: named what-if changes over the live plan

Revision ID: 0010_scenarios
Revises: 0009_item_source
Create Date: 2026-12-06 20:48:44.000000

``scenario`` holds each scenario (a unique name of 1 to 80 characters, who made it
and when, and a version that every change to it bumps); ``scenario_change`` one row
per thing a scenario changes, named by its ``target`` (unique in the scenario), with
the scenario's value and the live value it started from (``base``). The ids a change
names are plain integers, not foreign keys: a change may outlive the live row, and
applying the scenario then lists it as a clash. Neither table is part of the plan:
writing them does not move the plan's revision.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010_scenarios"
down_revision = "0009_item_source"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "scenario",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("length(name) BETWEEN 1 AND 80", name=op.f("ck_scenario_name_length")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_scenario_created_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scenario")),
        sa.UniqueConstraint("name", name=op.f("uq_scenario_name")),
    )
    with op.batch_alter_table("scenario", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scenario_created_by_id"), ["created_by_id"], unique=False
        )

    op.create_table(
        "scenario_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("dependent_id", sa.Integer(), nullable=True),
        sa.Column("dependency_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("period_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=20), nullable=True),
        sa.Column("label", sa.String(length=200), server_default="", nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("base", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('item', 'new', 'dependency', 'capacity')",
            name=op.f("ck_scenario_change_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["scenario_id"],
            ["scenario.id"],
            name=op.f("fk_scenario_change_scenario_id_scenario"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scenario_change")),
        sa.UniqueConstraint(
            "scenario_id", "target", name=op.f("uq_scenario_change_scenario_id_target")
        ),
    )
    with op.batch_alter_table("scenario_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scenario_change_scenario_id"), ["scenario_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("scenario_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scenario_change_scenario_id"))
    op.drop_table("scenario_change")

    with op.batch_alter_table("scenario", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scenario_created_by_id"))
    op.drop_table("scenario")

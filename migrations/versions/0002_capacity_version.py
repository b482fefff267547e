"""capacity versions: a version per override row and per team default

Revision ID: 0002_capacity_version
Revises: 0001
Create Date: 2026-11-30 09:00:00.000000

Each capacity cell carries a version that the capacity form sends back, so a
save made from an out-of-date page is refused instead of overwriting a newer
value: ``team_capacity.version`` for an override, ``team.capacity_version`` for
a team's default.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002_capacity_version"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("capacity_version", sa.Integer(), server_default="1", nullable=False)
        )
    with op.batch_alter_table("team_capacity", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    with op.batch_alter_table("team_capacity", schema=None) as batch_op:
        batch_op.drop_column("version")
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_column("capacity_version")

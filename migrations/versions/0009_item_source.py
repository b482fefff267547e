"""item sources: where an imported item or link came from, the items an import
event concerns, and the Import page's drafts

Revision ID: 0009_item_source
Revises: 0008_notifications
Create Date: 2026-12-04 19:30:00.000000

An item imported from Jira, Linear or GitHub keeps its source, its key there and a
link back (``item.source``, ``item.source_key``, ``item.source_url``), so that
importing again updates it instead of adding a second one; an imported dependency
keeps its source (``dependency.source``), so that importing again removes it when
the source no longer has it. ``audit_event_item`` holds each item's changes of an
import event (one event an import), for the items' histories. ``import_draft`` holds the
files uploaded on the Import page between the preview and the import.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009_item_source"
down_revision = "0008_notifications"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("source_key", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("source_url", sa.String(length=2000), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_item_source_source_key"), ["source", "source_key"]
        )

    with op.batch_alter_table("dependency", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=20), nullable=True))

    op.create_table(
        "audit_event_item",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["audit_event.id"],
            name=op.f("fk_audit_event_item_event_id_audit_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["item.id"],
            name=op.f("fk_audit_event_item_item_id_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", "event_id", name=op.f("pk_audit_event_item")),
    )
    with op.batch_alter_table("audit_event_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_event_item_event_id"), ["event_id"], unique=False
        )

    op.create_table(
        "import_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("files", sa.Text(), nullable=False),
        sa.Column("mapping", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_import_draft_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_draft")),
        sa.UniqueConstraint("token", name=op.f("uq_import_draft_token")),
    )
    with op.batch_alter_table("import_draft", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_import_draft_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_import_draft_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("import_draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_draft_user_id"))
        batch_op.drop_index(batch_op.f("ix_import_draft_created_at"))
    op.drop_table("import_draft")

    with op.batch_alter_table("audit_event_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_item_event_id"))
    op.drop_table("audit_event_item")

    with op.batch_alter_table("dependency", schema=None) as batch_op:
        batch_op.drop_column("source")

    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_item_source_source_key"), type_="unique")
        batch_op.drop_column("source_url")
        batch_op.drop_column("source_key")
        batch_op.drop_column("source")

"""Delivery: the inbox of received updates (replacing the handled-update log), the outbox of replies,
each member's own prose drafts, and an answer held while the member chooses between it and a colleague's.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("update_id", name="pk_inbox"),
    )
    op.create_index("ix_inbox_user_pending", "inbox", ["user_id", "handled_at", "update_id"])
    # Updates handled before the upgrade are remembered as handled, so a late redelivery changes nothing.
    op.execute(
        "INSERT INTO inbox (update_id, user_id, payload, received_at, handled_at) "
        "SELECT update_id, 0, '{}', handled_at, handled_at FROM handled_update"
    )
    op.drop_table("handled_update")
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.BigInteger(), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("buttons_json", sa.Text(), nullable=True),
        sa.Column("asks", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("first_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("owner", sa.String(length=32), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
    )
    op.create_index("ix_outbox_chat_pending", "outbox", ["chat_id", "status", "id"])
    op.create_index("ix_outbox_chat_message", "outbox", ["chat_id", "message_id"])
    op.create_index("ix_outbox_status_lease", "outbox", ["status", "lease_until"])
    with op.batch_alter_table("member") as batch:
        batch.add_column(sa.Column("held_answer", sa.Text(), nullable=True))
    with op.batch_alter_table("prosedraft") as batch:
        batch.drop_constraint("uq_prosedraft_report_id_field_key", type_="unique")
        batch.create_unique_constraint(
            "uq_prosedraft_report_id_field_key_updated_by", ["report_id", "field_key", "updated_by"]
        )


def downgrade() -> None:
    with op.batch_alter_table("prosedraft") as batch:
        batch.drop_constraint("uq_prosedraft_report_id_field_key_updated_by", type_="unique")
        batch.create_unique_constraint("uq_prosedraft_report_id_field_key", ["report_id", "field_key"])
    with op.batch_alter_table("member") as batch:
        batch.drop_column("held_answer")
    op.drop_table("outbox")
    op.create_table(
        "handled_update",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("update_id", name="pk_handled_update"),
    )
    op.execute(
        "INSERT INTO handled_update (update_id, handled_at) SELECT update_id, handled_at FROM inbox "
        "WHERE handled_at IS NOT NULL"
    )
    op.drop_table("inbox")

"""Finishing and reminding: report status events, members' reminder settings, the reminder sent-log.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member") as batch:
        batch.add_column(sa.Column("reminders_on", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("remind_at", sa.String(length=5), nullable=True))
        batch.add_column(sa.Column("snoozed_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("blocked_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "report_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("by", sa.BigInteger(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_report_event"),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name="fk_report_event_report_id_report", ondelete="CASCADE"
        ),
    )
    op.create_table(
        "reminder_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("recipient", sa.BigInteger(), nullable=False),
        sa.Column("slot", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reminder_log"),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name="fk_reminder_log_report_id_report", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("recipient", "slot", name="uq_reminder_log_recipient_slot"),
    )


def downgrade() -> None:
    op.drop_table("reminder_log")
    op.drop_table("report_event")
    with op.batch_alter_table("member") as batch:
        batch.drop_column("blocked_at")
        batch.drop_column("snoozed_until")
        batch.drop_column("remind_at")
        batch.drop_column("reminders_on")

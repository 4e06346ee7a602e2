"""What the bot's walk needs: invites, each member's cursor, prose drafts, skips and handled updates.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member") as batch:
        batch.add_column(sa.Column("editing", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("return_to", sa.String(length=16), nullable=True))
    op.create_table(
        "invite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_invite"),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name="fk_invite_agency_id_agency"),
        sa.UniqueConstraint("code_hash", name="uq_invite_code_hash"),
    )
    op.create_table(
        "prosedraft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("field_key", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_prosedraft"),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name="fk_prosedraft_report_id_report", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("report_id", "field_key", name="uq_prosedraft_report_id_field_key"),
    )
    op.create_table(
        "skip",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_skip"),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"], name="fk_skip_report_id_report", ondelete="CASCADE"),
        sa.UniqueConstraint("report_id", "question_id", name="uq_skip_report_id_question_id"),
    )
    op.create_table(
        "handled_update",
        sa.Column("update_id", sa.BigInteger(), nullable=False, autoincrement=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("update_id", name="pk_handled_update"),
    )


def downgrade() -> None:
    op.drop_table("handled_update")
    op.drop_table("skip")
    op.drop_table("prosedraft")
    op.drop_table("invite")
    with op.batch_alter_table("member") as batch:
        batch.drop_column("return_to")
        batch.drop_column("editing")

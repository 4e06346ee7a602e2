"""Review before publishing: agencies that need it, reviewers' comments, a reviewer writing comments.

Member roles and report statuses are plain strings: "reviewer" and "submitted" need no change of a column.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agency") as batch:
        batch.add_column(sa.Column("needs_review", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "review_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=100), nullable=False),
        sa.Column("column_index", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("by", sa.BigInteger(), nullable=True),
        sa.Column("by_name", sa.String(length=255), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_review_comment"),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name="fk_review_comment_report_id_report", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_review_comment_report_id", "review_comment", ["report_id"])
    op.create_table(
        "review_writing",
        sa.Column("reviewer", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("by_name", sa.String(length=255), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("reviewer", name="pk_review_writing"),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name="fk_review_writing_report_id_report", ondelete="CASCADE"
        ),
    )


def downgrade() -> None:
    op.drop_table("review_writing")
    op.drop_index("ix_review_comment_report_id", table_name="review_comment")
    op.drop_table("review_comment")
    with op.batch_alter_table("agency") as batch:
        batch.drop_column("needs_review")

"""Every change of an answer, kept: who changed a cell and when (/history).

Answers given before this revision keep only their last change (answer.answered_by/answered_at), which
/history shows as the oldest it knows.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "answer_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("field_key", sa.String(length=100), nullable=False),
        sa.Column("value_json", sa.Text(), nullable=True),
        sa.Column("by", sa.BigInteger(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name="fk_answer_change_report_id_report", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_answer_change"),
    )
    op.create_index("ix_answer_change_report_field", "answer_change", ["report_id", "field_key"])


def downgrade() -> None:
    op.drop_index("ix_answer_change_report_field", table_name="answer_change")
    op.drop_table("answer_change")

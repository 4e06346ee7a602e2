"""A government agency linked to the agencies it covers, for the roll-up of their tables.

Revision ID: 0008
Revises: 0006 (0007, the review, is merged before it: then this revises 0007)
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agency_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("government_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_agency_link"),
        sa.ForeignKeyConstraint(
            ["government_id"], ["agency.id"], name="fk_agency_link_government_id_agency", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name="fk_agency_link_agency_id_agency", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("government_id", "agency_id", name="uq_agency_link_government_id_agency_id"),
    )
    op.create_index("ix_agency_link_agency_id", "agency_link", ["agency_id"])


def downgrade() -> None:
    op.drop_index("ix_agency_link_agency_id", table_name="agency_link")
    op.drop_table("agency_link")

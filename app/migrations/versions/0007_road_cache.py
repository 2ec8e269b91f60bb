"""road answers cached per data version (matrices and drives)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "road_cache",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("data_version", sa.String(length=200), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_road_cache")),
    )
    op.create_index("ix_road_cache_created_at", "road_cache", ["created_at"], unique=False)
    op.create_index(
        "ix_road_cache_source_version", "road_cache", ["source", "data_version"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_road_cache_source_version", table_name="road_cache")
    op.drop_index("ix_road_cache_created_at", table_name="road_cache")
    op.drop_table("road_cache")

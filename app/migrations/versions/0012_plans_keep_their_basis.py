"""plans keep what they were based on, so a later change can say why a plan is stale

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plans stored before this have none: they are read as not stale (nothing to compare with).
    with op.batch_alter_table("route_plan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("basis", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("route_plan", schema=None) as batch_op:
        batch_op.drop_column("basis")

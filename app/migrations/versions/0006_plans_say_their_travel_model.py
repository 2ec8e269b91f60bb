"""plans say which travel model timed them, and keep their road geometry

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every plan stored before this was made on the straight-line estimate: the default says so.
    with op.batch_alter_table("route_plan", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "travel_model", sa.String(length=32), server_default="estimate", nullable=False
            )
        )
        batch_op.add_column(
            sa.Column("travel_detail", sa.String(length=300), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("geometry", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("route_plan", schema=None) as batch_op:
        batch_op.drop_column("geometry")
        batch_op.drop_column("travel_detail")
        batch_op.drop_column("travel_model")

"""rep cost per working hour: the money an hour of the rep's working day costs, waiting and
lunch included (issue 15); null, as every existing rep gets, counts the rep's cost_per_hour for
every working hour

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rep", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cost_per_working_hour", sa.Double(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rep", schema=None) as batch_op:
        batch_op.drop_column("cost_per_working_hour")

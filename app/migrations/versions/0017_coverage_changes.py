"""coverage changes: the record of each apply of the coverage model (issue 16): who, when, the
thresholds, the totals expected and each account's coverage old -> new

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "coverage_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("hybrid_threshold", sa.Double(), nullable=False),
        sa.Column("remote_threshold", sa.Double(), nullable=False),
        sa.Column("accounts_changed", sa.Integer(), nullable=False),
        sa.Column("totals", sa.JSON(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
            name=op.f("fk_coverage_change_team_id_team"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_coverage_change_user_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coverage_change")),
    )
    with op.batch_alter_table("coverage_change", schema=None) as batch_op:
        batch_op.create_index("ix_coverage_change_team_id_at", ["team_id", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("coverage_change", schema=None) as batch_op:
        batch_op.drop_index("ix_coverage_change_team_id_at")
    op.drop_table("coverage_change")

"""territory proposals and changes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 05:09:32.521358
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "territory_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("base_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("assignment", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_territory_proposal_created_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user.id"],
            name=op.f("fk_territory_proposal_decided_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
            name=op.f("fk_territory_proposal_team_id_team"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_territory_proposal")),
    )
    with op.batch_alter_table("territory_proposal", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_territory_proposal_team_id"), ["team_id"], unique=False
        )

    op.create_table(
        "territory_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("from_territory_id", sa.Integer(), nullable=True),
        sa.Column("to_territory_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_territory_change_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["from_territory_id"],
            ["territory.id"],
            name=op.f("fk_territory_change_from_territory_id_territory"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["territory_proposal.id"],
            name=op.f("fk_territory_change_proposal_id_territory_proposal"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
            name=op.f("fk_territory_change_team_id_team"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["to_territory_id"],
            ["territory.id"],
            name=op.f("fk_territory_change_to_territory_id_territory"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_territory_change_user_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_territory_change")),
    )
    with op.batch_alter_table("territory_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_territory_change_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index("ix_territory_change_team_id_at", ["team_id", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("territory_change", schema=None) as batch_op:
        batch_op.drop_index("ix_territory_change_team_id_at")
        batch_op.drop_index(batch_op.f("ix_territory_change_account_id"))

    op.drop_table("territory_change")
    with op.batch_alter_table("territory_proposal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_territory_proposal_team_id"))

    op.drop_table("territory_proposal")

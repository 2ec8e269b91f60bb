"""territory change keeps its history

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 06:24:54.781240
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("territory_change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("account_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("from_rep_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("to_rep_id", sa.Integer(), nullable=True))
        batch_op.alter_column("account_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.drop_constraint(
            batch_op.f("fk_territory_change_account_id_account"), type_="foreignkey"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_territory_change_account_id_account"),
            "account",
            ["account_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_territory_change_to_rep_id_rep"),
            "rep",
            ["to_rep_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_territory_change_from_rep_id_rep"),
            "rep",
            ["from_rep_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("territory_change", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_territory_change_from_rep_id_rep"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_territory_change_to_rep_id_rep"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_territory_change_account_id_account"), type_="foreignkey"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_territory_change_account_id_account"),
            "account",
            ["account_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.alter_column("account_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("to_rep_id")
        batch_op.drop_column("from_rep_id")
        batch_op.drop_column("account_name")

"""stop pins: a rep's accounts kept on (pinned, added, moved to) or off (moved from) a day

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-12 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stop_pin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("plan_date", sa.Date(), nullable=False),
        sa.Column("rule", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_stop_pin_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user.id"],
            name=op.f("fk_stop_pin_created_by_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["rep_id"], ["rep.id"], name=op.f("fk_stop_pin_rep_id_rep"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stop_pin")),
        sa.UniqueConstraint(
            "rep_id",
            "account_id",
            "plan_date",
            name=op.f("uq_stop_pin_rep_id"),
        ),
    )
    op.create_index(
        "ix_stop_pin_rep_id_plan_date", "stop_pin", ["rep_id", "plan_date"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_stop_pin_rep_id_plan_date", table_name="stop_pin")
    op.drop_table("stop_pin")

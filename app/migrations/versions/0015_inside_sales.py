"""inside sales: inside reps and the field reps they support, remote touches (a visit's
channel and next step), accounts' remote cadence, coverage and last touch

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-20 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rep", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="field", nullable=False)
        )
    op.create_table(
        "inside_support",
        sa.Column("inside_rep_id", sa.Integer(), nullable=False),
        sa.Column("field_rep_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["field_rep_id"],
            ["rep.id"],
            name=op.f("fk_inside_support_field_rep_id_rep"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["inside_rep_id"],
            ["rep.id"],
            name=op.f("fk_inside_support_inside_rep_id_rep"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("inside_rep_id", "field_rep_id", name=op.f("pk_inside_support")),
    )
    with op.batch_alter_table("inside_support", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inside_support_field_rep_id"), ["field_rep_id"], unique=False
        )
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channel", sa.String(length=16), server_default="visit", nullable=False)
        )
        batch_op.add_column(sa.Column("next_step", sa.String(length=300), nullable=True))
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("touch_cadence_days", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("coverage", sa.String(length=16), server_default="field", nullable=False)
        )
        batch_op.add_column(sa.Column("last_touch_date", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_column("last_touch_date")
        batch_op.drop_column("coverage")
        batch_op.drop_column("touch_cadence_days")
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_column("next_step")
        batch_op.drop_column("channel")
    with op.batch_alter_table("inside_support", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inside_support_field_rep_id"))
    op.drop_table("inside_support")
    with op.batch_alter_table("rep", schema=None) as batch_op:
        batch_op.drop_column("kind")

"""batch plans as jobs: plan versions carry their batch's job (written once per rep, day and
job), and each rep of a batch has its outcome

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("route_plan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("job_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_route_plan_job_id_job"), "job", ["job_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_route_plan_job_id"), ["job_id", "rep_id", "plan_date"]
        )
    op.create_table(
        "plan_batch_rep",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=True),
        sa.Column("rep_name", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(length=1000), nullable=True),
        sa.Column("planned", sa.JSON(), nullable=False),
        sa.Column("kept", sa.JSON(), nullable=False),
        sa.Column("skipped", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["job.id"],
            name=op.f("fk_plan_batch_rep_batch_id_job"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["job.id"], name=op.f("fk_plan_batch_rep_job_id_job"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["rep_id"], ["rep.id"], name=op.f("fk_plan_batch_rep_rep_id_rep"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_batch_rep")),
        sa.UniqueConstraint("batch_id", "rep_id", name=op.f("uq_plan_batch_rep_batch_id")),
        sa.UniqueConstraint("job_id", name=op.f("uq_plan_batch_rep_job_id")),
    )
    with op.batch_alter_table("plan_batch_rep", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_batch_rep_batch_id"), ["batch_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plan_batch_rep", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_batch_rep_batch_id"))
    op.drop_table("plan_batch_rep")
    with op.batch_alter_table("route_plan", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_route_plan_job_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_route_plan_job_id_job"), type_="foreignkey")
        batch_op.drop_column("job_id")

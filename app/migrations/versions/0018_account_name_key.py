"""account name key: each account's name with case and spacing aside, indexed, so that a booking
finds a prospect stored already by a lookup rather than by reading every name in scope; filled
for the accounts there are

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.models.accounts import name_key
from app.models.limits import TEXT_MAX

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = sa.String(length=3 * TEXT_MAX["name"])
_CHUNK = 1000
"""Accounts filled per statement."""


def upgrade() -> None:
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", _KEY, nullable=True))
    account = sa.table(
        "account", sa.column("id", sa.Integer), sa.column("name", sa.String), sa.column("name_key")
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(account.c.id, account.c.name)).all()
    fill = (
        account.update()
        .where(account.c.id == sa.bindparam("account_id"))
        .values(name_key=sa.bindparam("key"))
    )
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        connection.execute(fill, [{"account_id": i, "key": name_key(name)} for i, name in chunk])
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.alter_column("name_key", existing_type=_KEY, nullable=False)
        batch_op.create_index(batch_op.f("ix_account_name_key"), ["name_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_name_key"))
        batch_op.drop_column("name_key")

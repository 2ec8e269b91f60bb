"""Answers kept for requests sent with an `Idempotency-Key`, so a phone that replays a queued
change (it never heard the first answer) gets the same answer and changes nothing twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core import clock
from app.models.base import Base


class IdempotencyKey(Base):
    """The first successful answer to (`user_id`, `key`), and what the request was
    (`method`, `path`, `fingerprint`: a hash of its body), so the same key on another request
    is refused instead of answered with the wrong result. Keys are per user: two users' phones
    may well make up the same one."""

    __tablename__ = "idempotency_key"
    __table_args__ = (Index("ix_idempotency_key_created_at", "created_at"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

"""Road answers kept for repeated days: travel matrices and drives, per road data version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core import clock
from app.models.base import Base


class RoadCacheEntry(Base):
    """One engine answer (`kind` "matrix" or "route") for one set of points on one version of
    the road data (`source`: which engine and region; `data_version`: which build of it).

    The key hashes the kind, source, version and points, so new road data never reads an old
    answer; rows of a source's older versions are deleted when a process first meets a new one.
    """

    __tablename__ = "road_cache"
    __table_args__ = (
        Index("ix_road_cache_source_version", "source", "data_version"),
        Index("ix_road_cache_created_at", "created_at"),
    )

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(200))
    data_version: Mapped[str] = mapped_column(String(200))
    points: Mapped[int]
    # zlib-compressed (app.roads.cache: a JSON header, then the arrays as float64).
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

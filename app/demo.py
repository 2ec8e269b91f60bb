"""The demo company (data/demo/): loaded by `make run` into an empty database."""

from __future__ import annotations

from app.config import Settings
from app.db import SessionFactory


def load_demo_if_empty(session_factory: SessionFactory, settings: Settings) -> None:
    raise NotImplementedError("demo loading lands with the import service")

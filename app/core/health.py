"""`GET /health`: liveness, without authentication (load balancers, Docker HEALTHCHECK)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from app import __version__

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    version: str = __version__


@router.get("/health", summary="Liveness check")
async def health() -> Health:
    """Report that the service is up."""
    return Health()

"""HTTP routers, one per resource. Everything under `/api/v1` needs a bearer token."""

from fastapi import APIRouter, Depends

from app.api import optimize
from app.security import authenticate

api_router = APIRouter(prefix="/api/v1", dependencies=[Depends(authenticate)])
api_router.include_router(optimize.router)

__all__ = ["api_router"]

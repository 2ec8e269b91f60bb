"""HTTP routers, one per resource. Everything under `/api/v1` needs a bearer token."""

from fastapi import APIRouter, Depends

from app.api import accounts, imports, optimize, reps, teams, territories, users
from app.security import authenticate

api_router = APIRouter(prefix="/api/v1", dependencies=[Depends(authenticate)])
api_router.include_router(optimize.router)
api_router.include_router(accounts.router)
api_router.include_router(reps.router)
api_router.include_router(teams.router)
api_router.include_router(users.router)
api_router.include_router(imports.router)
api_router.include_router(territories.router)

__all__ = ["api_router"]

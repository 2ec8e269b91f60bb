"""HTTP routers, one per resource. Everything under `/api/v1` needs a bearer token."""

from fastapi import APIRouter, Depends

from app.accounts import near_router as accounts_near
from app.accounts import router as accounts
from app.appointments import router as appointments
from app.auth.dependencies import authenticate
from app.coverage import router as coverage
from app.imports import router as imports
from app.jobs import router as jobs
from app.optimize import router as optimize
from app.plans import exports_router as plan_exports
from app.plans import router as plans
from app.plans import stops_router as plan_stops
from app.queue import router as queue
from app.reports import router as reports
from app.reps import router as reps
from app.roads import router as roads
from app.teams import router as teams
from app.territories import router as territories
from app.users import router as users
from app.visits import router as visits

api_router = APIRouter(prefix="/api/v1", dependencies=[Depends(authenticate)])
api_router.include_router(optimize.router)
api_router.include_router(accounts.router)
api_router.include_router(reps.router)
api_router.include_router(teams.router)
api_router.include_router(users.router)
api_router.include_router(imports.router)
api_router.include_router(jobs.router)
api_router.include_router(territories.router)
api_router.include_router(coverage.router)
api_router.include_router(visits.router)
api_router.include_router(appointments.router)
api_router.include_router(queue.router)
api_router.include_router(reports.router)
api_router.include_router(plans.router)
api_router.include_router(plan_exports.router)
api_router.include_router(plan_stops.router)
api_router.include_router(accounts_near.router)
api_router.include_router(roads.router)

__all__ = ["api_router"]

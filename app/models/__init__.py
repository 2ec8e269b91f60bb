"""SQLAlchemy models, one module per concept; import them from here."""

from app.models.accounts import Account, Territory
from app.models.activity import RoutePlan, Visit
from app.models.base import Base
from app.models.coverage import CoverageChange
from app.models.idempotency import IdempotencyKey
from app.models.jobs import Job, JobInput
from app.models.nightly import NightlyRun
from app.models.operations import GeocodeCacheEntry, ImportJob
from app.models.people import ApiToken, Rep, SignInLink, Team, User, inside_support, manager_team
from app.models.plan_batches import PlanBatchRep
from app.models.road_cache import RoadCacheEntry
from app.models.stop_pins import StopPin
from app.models.territory_proposals import TerritoryChange, TerritoryProposal

__all__ = [
    "Account",
    "ApiToken",
    "Base",
    "CoverageChange",
    "GeocodeCacheEntry",
    "IdempotencyKey",
    "ImportJob",
    "Job",
    "JobInput",
    "NightlyRun",
    "PlanBatchRep",
    "Rep",
    "RoadCacheEntry",
    "RoutePlan",
    "SignInLink",
    "StopPin",
    "Team",
    "Territory",
    "TerritoryChange",
    "TerritoryProposal",
    "User",
    "Visit",
    "inside_support",
    "manager_team",
]

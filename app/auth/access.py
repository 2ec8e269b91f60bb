"""Who may see and change what. Queries take their scope from here, so every list, read and
write of a resource applies the same rule:

- admin: everything;
- manager: the reps, accounts and territories of their teams;
- rep: their own rep record, the accounts of their territories, their own visits and plans.
  (Managers see their teams' reps' visits and plans.)
- inside: their own rep record and the field reps they support (`inside_support`), the accounts
  of those reps' territories, their own touches and those reps' visits and plans, to read; they
  change only their own touches (`check_own_rep`).

Something outside the caller's scope is answered as if it did not exist (404), so ids do not leak.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, false, select, true

from app.auth.principal import Principal
from app.core.config import Role
from app.core.errors import Forbidden
from app.models import (
    Account,
    ImportJob,
    Job,
    Rep,
    Team,
    Territory,
    User,
    Visit,
    inside_support,
)

IN_THE_FIELD = (Role.ADMIN, Role.MANAGER, Role.REP)
"""The roles that plan routes, record visits and book appointments: all but inside reps, who
read the plans and visits of the reps they support and log their own touches."""


def require_role(principal: Principal, *roles: Role) -> None:
    """403 unless the caller has one of `roles`."""
    if principal.role not in roles:
        allowed = " or ".join(role.value for role in roles)
        raise Forbidden(f"this needs the {allowed} role; you are {principal.role.value}")


def supported_reps(inside_rep_id: int) -> Select[int]:
    """The ids of the field reps an inside rep supports."""
    return select(inside_support.c.field_rep_id).where(
        inside_support.c.inside_rep_id == inside_rep_id
    )


def check_own_rep(principal: Principal, rep_id: int, what: str, *, field: str = "rep_id") -> None:
    """An inside rep acts only as themselves: the reps they support are theirs to read, not to
    act for (403; `what` says what they tried)."""
    if principal.role is Role.INSIDE and rep_id != principal.rep_id:
        raise Forbidden(
            f"{field}: inside reps {what} only as themselves, not for the reps they support",
            field=field,
        )


def account_scope(principal: Principal) -> ColumnElement[bool]:
    if principal.role is Role.ADMIN:
        return true()
    if principal.role is Role.MANAGER:
        return Account.team_id.in_(principal.team_ids) if principal.team_ids else false()
    if principal.rep_id is None:
        return false()
    covered = (
        Territory.rep_id.in_(supported_reps(principal.rep_id).scalar_subquery())
        if principal.role is Role.INSIDE
        else Territory.rep_id == principal.rep_id
    )
    territories = select(Territory.id).where(covered)
    return Account.territory_id.in_(territories.scalar_subquery())


def rep_scope(principal: Principal) -> ColumnElement[bool]:
    if principal.role is Role.ADMIN:
        return true()
    if principal.role is Role.MANAGER:
        return Rep.team_id.in_(principal.team_ids) if principal.team_ids else false()
    if principal.rep_id is None:
        return false()
    if principal.role is Role.INSIDE:
        supported = supported_reps(principal.rep_id).scalar_subquery()
        return (Rep.id == principal.rep_id) | Rep.id.in_(supported)
    return Rep.id == principal.rep_id


def team_scope(principal: Principal) -> ColumnElement[bool]:
    """Admins see every team; managers their teams; reps the team of their rep record."""
    if principal.role is Role.ADMIN:
        return true()
    if principal.role is Role.MANAGER:
        return Team.id.in_(principal.team_ids) if principal.team_ids else false()
    if principal.rep_id is None:
        return false()
    own_team = select(Rep.team_id).where(Rep.id == principal.rep_id)
    return Team.id.in_(own_team.scalar_subquery())


def territory_scope(principal: Principal) -> ColumnElement[bool]:
    """Admins see every territory; managers their teams'; reps the territories they cover;
    inside reps those of the reps they support."""
    if principal.role is Role.ADMIN:
        return true()
    if principal.role is Role.MANAGER:
        return Territory.team_id.in_(principal.team_ids) if principal.team_ids else false()
    if principal.rep_id is None:
        return false()
    if principal.role is Role.INSIDE:
        return Territory.rep_id.in_(supported_reps(principal.rep_id).scalar_subquery())
    return Territory.rep_id == principal.rep_id


def user_scope(principal: Principal) -> ColumnElement[bool]:
    """Admins see every user; managers themselves and their teams' reps' users; reps themselves."""
    if principal.role is Role.ADMIN:
        return true()
    if principal.role is Role.MANAGER and principal.team_ids:
        team_reps = select(Rep.id).where(Rep.team_id.in_(principal.team_ids))
        return (User.id == principal.user_id) | User.rep_id.in_(team_reps.scalar_subquery())
    return User.id == principal.user_id


def visit_scope(principal: Principal) -> ColumnElement[bool]:
    """Admins see every visit; managers their teams' reps' visits; reps their own; inside reps
    their own touches and the visits (and touches) of the reps they support."""
    if principal.role is Role.ADMIN:
        return true()
    if principal.role is Role.MANAGER:
        if not principal.team_ids:
            return false()
        team_reps = select(Rep.id).where(Rep.team_id.in_(principal.team_ids))
        return Visit.rep_id.in_(team_reps.scalar_subquery())
    if principal.rep_id is None:
        return false()
    if principal.role is Role.INSIDE:
        supported = supported_reps(principal.rep_id).scalar_subquery()
        return (Visit.rep_id == principal.rep_id) | Visit.rep_id.in_(supported)
    return Visit.rep_id == principal.rep_id


def job_scope(principal: Principal) -> ColumnElement[bool]:
    """Admins see every job; managers their teams' jobs and their own; reps their own."""
    if principal.role is Role.ADMIN:
        return true()
    own = Job.created_by_id == principal.user_id
    if principal.role is Role.MANAGER and principal.team_ids:
        return own | Job.team_id.in_(principal.team_ids)
    return own


def import_scope(principal: Principal) -> ColumnElement[bool]:
    """An import is seen by whoever sees its job (`job_scope`: a manager sees their teams'
    imports, whoever started them); an import from before jobs, by its creator and admins."""
    if principal.role is Role.ADMIN:
        return true()
    visible_jobs = select(Job.id).where(job_scope(principal)).scalar_subquery()
    return (ImportJob.created_by_id == principal.user_id) | ImportJob.job_id.in_(visible_jobs)


def sees_team(principal: Principal, team_id: int) -> bool:
    """Whether a team as a whole (its territories, proposals, week of plans) is the caller's
    to work on: any team for an admin, their own for a manager, none for a rep (field or
    inside)."""
    if principal.role is Role.ADMIN:
        return True
    return principal.role is Role.MANAGER and team_id in principal.team_ids


def check_team(principal: Principal, team_id: int | None, *, field: str = "team_id") -> None:
    """A manager may only put things into their own teams (403 otherwise)."""
    if principal.role is Role.ADMIN:
        return
    if team_id is None or not sees_team(principal, team_id):
        raise Forbidden(f"{field}: managers can only use their own teams", field=field)

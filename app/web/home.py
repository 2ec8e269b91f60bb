"""`/`: each caller to their page (a rep to their day, an inside rep to their queue, a manager
or admin to the team pages, a stranger to sign in), so the bare address is never a dead end."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from app.auth.dependencies import signed_in
from app.auth.principal import Principal
from app.core.config import Role
from app.core.deps import SessionDep, SettingsDep

router = APIRouter(include_in_schema=False)


HOMES = {Role.REP: "/rep", Role.INSIDE: "/inside"}


def home_of(role: Role) -> str:
    """The page a role starts from (and where a sign-in link lands): the phone page for reps,
    the queue for inside reps, the team pages for the others."""
    return HOMES.get(role, "/manager")


def home_path(principal: Principal) -> str:
    """The page a signed-in caller starts from."""
    return home_of(principal.role)


@router.get("/")
def home(request: Request, session: SessionDep, settings: SettingsDep) -> RedirectResponse:
    principal = signed_in(request, session, settings)
    target = "/login" if principal is None else home_path(principal)
    return RedirectResponse(target, status_code=303)

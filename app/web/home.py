"""`/`: each caller to their page (a rep to their day, a manager or admin to the team pages,
a stranger to sign in), so the bare address is never a dead end."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from app.auth.dependencies import signed_in
from app.auth.principal import Principal
from app.core.config import Role
from app.core.deps import SessionDep, SettingsDep

router = APIRouter(include_in_schema=False)


def home_path(principal: Principal) -> str:
    """The page a signed-in caller starts from."""
    return "/rep" if principal.role is Role.REP else "/manager"


@router.get("/")
def home(request: Request, session: SessionDep, settings: SettingsDep) -> RedirectResponse:
    principal = signed_in(request, session, settings)
    target = "/login" if principal is None else home_path(principal)
    return RedirectResponse(target, status_code=303)

"""`/api/v1/accounts`: list, read, create, change, delete and re-geocode accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from app.accounts import service
from app.accounts.schemas import AccountCreate, AccountListParams, AccountRead, AccountUpdate
from app.auth.dependencies import CurrentPrincipal
from app.core.deps import SessionDep, SettingsDep
from app.core.http_errors import error_responses
from app.core.schemas import Day, Page, RowId

router = APIRouter(prefix="/accounts", tags=["accounts"])
AccountId = Annotated[RowId, Path()]


@router.get("", summary="List accounts", responses=error_responses(401, 422))
def list_accounts(
    params: Annotated[AccountListParams, Query()],
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Page[AccountRead]:
    """List the accounts you may see, filtered, sorted and paged."""
    return service.list_accounts(session, settings, principal, params)


@router.post(
    "",
    summary="Create an account",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 403, 409, 422),
)
def create_account(
    body: AccountCreate,
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    request: Request,
    response: Response,
) -> AccountRead:
    """Create an account and place it on the map (admins; managers in their teams)."""
    account = service.create_account(session, settings, principal, body)
    response.headers["Location"] = str(request.url_for("read_account", account_id=account.id))
    return account


@router.get("/{account_id}", summary="Read an account", responses=error_responses(401, 404, 422))
def read_account(
    account_id: AccountId,
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    as_of: Annotated[Day | None, Query(description="the day for overdue; default today")] = None,
) -> AccountRead:
    """One account, with `next_due_date`, `overdue` and `overdue_days` on `as_of` (default today)."""
    return service.read_account(session, settings, principal, account_id, as_of)


@router.patch(
    "/{account_id}", summary="Change an account", responses=error_responses(401, 403, 404, 409, 422)
)
def update_account(
    account_id: AccountId,
    body: AccountUpdate,
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> AccountRead:
    """Change some fields of an account (reps: the pin, notes and phone of their own)."""
    return service.update_account(session, settings, principal, account_id, body)


@router.delete(
    "/{account_id}",
    summary="Delete an account",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 422),
)
def delete_account(account_id: AccountId, session: SessionDep, principal: CurrentPrincipal) -> None:
    """Delete an account and its visits (admins and managers)."""
    service.delete_account(session, principal, account_id)


@router.post(
    "/{account_id}/geocode",
    summary="Geocode an account again",
    responses=error_responses(401, 404, 422),
)
def geocode_account(
    account_id: AccountId,
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> AccountRead:
    """Geocode the account's address again now, dropping a pin placed by hand."""
    return service.geocode_account(session, settings, principal, account_id)

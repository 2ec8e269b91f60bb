"""`/api/v1/users`: users (admins manage them; everyone reads and renames themselves) and
their API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from app.auth.dependencies import CurrentPrincipal
from app.auth.rate_limit import check_password_attempt, note_password_failure
from app.auth.sign_in_links import LINK_PATH
from app.core.deps import SessionDep, SettingsDep
from app.core.http_errors import error_responses
from app.core.schemas import Page, RowId
from app.users import service
from app.users.qr import qr_svg
from app.users.schemas import (
    PasswordChange,
    SignInLinkCreated,
    TokenCreate,
    TokenCreated,
    TokenListParams,
    TokenRead,
    UserCreate,
    UserListParams,
    UserRead,
    UserUpdate,
)

router = APIRouter(prefix="/users", tags=["users"])
UserId = Annotated[RowId, Path()]
TokenId = Annotated[RowId, Path()]


@router.get("", summary="List users", responses=error_responses(401, 422))
def list_users(
    params: Annotated[UserListParams, Query()],
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Page[UserRead]:
    """List the users you may see (managers: themselves and their reps' users)."""
    return service.list_users(session, settings, principal, params)


@router.get("/me", summary="Read the signed-in user", responses=error_responses(401))
def read_me(session: SessionDep, principal: CurrentPrincipal) -> UserRead:
    """Read the user you are signed in as."""
    return service.read_user(session, principal, principal.user_id)


@router.post(
    "",
    summary="Create a user",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 403, 409, 422),
)
def create_user(
    body: UserCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    request: Request,
    response: Response,
) -> UserRead:
    """Create a user (admins only)."""
    user = service.create_user(session, principal, body)
    response.headers["Location"] = str(request.url_for("read_user", user_id=user.id))
    return user


@router.get("/{user_id}", summary="Read a user", responses=error_responses(401, 404, 422))
def read_user(user_id: UserId, session: SessionDep, principal: CurrentPrincipal) -> UserRead:
    """One user: role, rep and the teams a manager manages."""
    return service.read_user(session, principal, user_id)


@router.patch(
    "/{user_id}", summary="Change a user", responses=error_responses(401, 403, 404, 409, 422)
)
def update_user(
    user_id: UserId, body: UserUpdate, session: SessionDep, principal: CurrentPrincipal
) -> UserRead:
    """Change some fields of a user (admins; anyone their own name)."""
    return service.update_user(session, principal, user_id, body)


@router.delete(
    "/{user_id}",
    summary="Delete a user",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 422),
)
def delete_user(user_id: UserId, session: SessionDep, principal: CurrentPrincipal) -> None:
    """Delete a user and their tokens (admins only; not yourself)."""
    service.delete_user(session, principal, user_id)


@router.post(
    "/{user_id}/tokens",
    summary="Issue an API token",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 403, 404, 422),
)
def create_token(
    user_id: UserId, body: TokenCreate, session: SessionDep, principal: CurrentPrincipal
) -> TokenCreated:
    """Issue an API token (yourself, or anyone for admins); the answer shows it this once."""
    return service.create_token(session, principal, user_id, body)


@router.get(
    "/{user_id}/tokens",
    summary="List a user's tokens",
    responses=error_responses(401, 403, 404, 422),
)
def list_tokens(
    user_id: UserId,
    params: Annotated[TokenListParams, Query()],
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Page[TokenRead]:
    """List a user's tokens: names, prefixes and dates, never the tokens."""
    return service.list_tokens(session, settings, principal, user_id, params)


@router.delete(
    "/{user_id}/tokens/{token_id}",
    summary="Revoke a token",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 422),
)
def revoke_token(
    user_id: UserId, token_id: TokenId, session: SessionDep, principal: CurrentPrincipal
) -> None:
    """Revoke one of a user's tokens: it stops working at once and stays listed, revoked."""
    service.revoke_token(session, principal, user_id, token_id)


@router.put(
    "/{user_id}/password",
    summary="Set or change your password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 422, 429),
)
def change_password(
    user_id: UserId,
    body: PasswordChange,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> None:
    """Set or change your own password (send `current_password` when you have one).

    Wrong current passwords count towards the sign-in lockout of your e-mail address."""
    user = service.get_user(session, principal, user_id)
    check_password_attempt(request, user.email)
    try:
        service.change_password(session, principal, user_id, body)
    except service.WrongPassword:
        note_password_failure(request, user.email)
        raise


@router.delete(
    "/{user_id}/password",
    summary="Reset a user's password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 422),
)
def reset_password(user_id: UserId, session: SessionDep, principal: CurrentPrincipal) -> None:
    """Clear a user's password and end their browser sessions (admins only).

    They sign in again with a sign-in link, then set a new password."""
    service.reset_password(session, principal, user_id)


@router.post(
    "/{user_id}/sign-in-links",
    summary="Issue a one-time sign-in link",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 404, 409, 422),
)
def create_sign_in_link(
    user_id: UserId,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> SignInLinkCreated:
    """Issue a link that signs a phone in once, within `sign_in_link_minutes` (15 by default).

    Admins for anyone, managers for their teams' reps (and themselves), reps for themselves.
    Open the URL on the phone or scan the QR code; the answer shows the link this once."""
    secret, expires_at = service.issue_sign_in_link(session, settings, principal, user_id)
    url = str(request.base_url).rstrip("/") + LINK_PATH + secret
    return SignInLinkCreated(url=url, expires_at=expires_at, qr_svg=qr_svg(url))

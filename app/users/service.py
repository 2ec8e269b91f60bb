"""Users and their API tokens: who may see, create, change and delete whom.

Admins manage users; anyone may read themselves, rename themselves and manage their own tokens.
A rep user is tied to exactly one field rep, an inside user to one inside rep; a manager to one
or more teams; an admin to neither.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, raiseload, selectinload

from app.auth.access import require_role, user_scope
from app.auth.passwords import check_password, clear_password, password_problem, set_password
from app.auth.principal import Principal
from app.auth.sign_in_links import issue_link
from app.auth.tokens import BROWSER_SESSION, hash_token, issue_token
from app.core import clock
from app.core.config import Role, Settings
from app.core.errors import Conflict, Forbidden, InvalidRequest, NotFound
from app.core.listing import Sorting, fetch_page, text_matches
from app.core.schemas import Page
from app.models import ApiToken, Rep, Team, User
from app.models.people import FIELD, INSIDE
from app.users.schemas import (
    PasswordChange,
    TokenCreate,
    TokenCreated,
    TokenListParams,
    TokenRead,
    UserCreate,
    UserListParams,
    UserRead,
    UserUpdate,
)

SELF_EDITABLE = frozenset({"name"})
USER_SORTING = Sorting(
    fields={
        "name": User.name,
        "email": User.email,
        "role": User.role,
        "created_at": User.created_at,
        "id": User.id,
    },
    default="name",
    tiebreak=User.id,
)
TOKEN_SORTING = Sorting(
    fields={
        "name": ApiToken.name,
        "created_at": ApiToken.created_at,
        "last_used_at": ApiToken.last_used_at,
        "expires_at": ApiToken.expires_at,
        "id": ApiToken.id,
    },
    default="-created_at",
    tiebreak=ApiToken.id,
)
# A user's teams in one query per page; their rep row is never needed.
USER_LOADING = (selectinload(User.teams), raiseload("*"))


REP_ROLES = (Role.REP, Role.INSIDE)
"""Roles tied to one rep record: a field rep's, or an inside rep's."""


def to_read(user: User) -> UserRead:
    return UserRead(
        id=user.id,
        email=user.email,
        name=user.name,
        role=Role(user.role),
        rep_id=user.rep_id,
        team_ids=sorted(team.id for team in user.teams),
        active=user.active,
        has_password=user.password_hash is not None,
        created_at=user.created_at,
    )


def list_users(
    session: Session, settings: Settings, principal: Principal, params: UserListParams
) -> Page[UserRead]:
    """The page of users the caller may see that `params` asks for."""
    where = [user_scope(principal)]
    if params.role is not None:
        where.append(User.role == params.role.value)
    if params.active is not None:
        where.append(User.active.is_(params.active))
    if params.q is not None:
        where.append(text_matches(session, params.q, (User.name, User.email)))
    rows, total = fetch_page(
        session,
        User,
        where,
        params,
        sorting=USER_SORTING,
        max_page_size=settings.max_page_size,
        options=USER_LOADING,
    )
    items = [to_read(user) for user in rows]
    return Page(items=items, total=total, limit=params.limit, offset=params.offset)


def get_user(session: Session, principal: Principal, user_id: int) -> User:
    """The user, if the caller may see them; 404 otherwise."""
    query = select(User).where(User.id == user_id, user_scope(principal)).options(*USER_LOADING)
    user = session.scalars(query).first()
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


def read_user(session: Session, principal: Principal, user_id: int) -> UserRead:
    return to_read(get_user(session, principal, user_id))


def create_user(session: Session, principal: Principal, body: UserCreate) -> UserRead:
    """Store a new user (admins only), tied to their rep or teams as the role needs."""
    require_role(principal, Role.ADMIN)
    _check_email(session, body.email)
    teams = _links(session, body.role, body.rep_id, body.team_ids, user_id=None)
    user = User(
        email=body.email,
        name=body.name,
        role=body.role.value,
        rep_id=body.rep_id,
        active=body.active,
        teams=teams,
    )
    session.add(user)
    session.flush()
    return to_read(user)


def update_user(session: Session, principal: Principal, user_id: int, body: UserUpdate) -> UserRead:
    """Change the fields sent: admins any (not their own role or active flag), others their
    own name."""
    changes = body.model_dump(exclude_unset=True)
    refused = sorted(set(changes) - SELF_EDITABLE)
    if not principal.is_admin and refused:
        raise Forbidden(
            f"{', '.join(refused)}: only admins change these; you may change your name",
            field=refused[0],
        )
    user = get_user(session, principal, user_id)
    if not principal.is_admin and user.id != principal.user_id:
        raise Forbidden("only admins change other users")
    if user.id == principal.user_id and (
        changes.get("role", user.role) != user.role or changes.get("active", True) is False
    ):
        raise Forbidden("you cannot change your own role or deactivate yourself")
    if changes.get("email", user.email) != user.email:
        _check_email(session, changes["email"])
    if {"role", "rep_id", "team_ids"} & set(changes):
        role = Role(changes.get("role", user.role))
        # Links the new role has no use for are dropped rather than refused.
        rep_id = changes.get("rep_id", user.rep_id if role in REP_ROLES else None)
        current_teams = [team.id for team in user.teams] if role is Role.MANAGER else []
        team_ids = changes.get("team_ids", current_teams)
        user.teams = _links(session, role, rep_id, team_ids, user_id=user.id)
        user.role, user.rep_id = role.value, rep_id
    for field in ("email", "name", "active"):
        if field in changes:
            setattr(user, field, changes[field])
    session.flush()
    return to_read(user)


def delete_user(session: Session, principal: Principal, user_id: int) -> None:
    """Delete a user and their tokens (admins only, never themselves)."""
    require_role(principal, Role.ADMIN)
    if user_id == principal.user_id:
        raise Forbidden("you cannot delete yourself")
    session.delete(get_user(session, principal, user_id))
    session.flush()


def _links(
    session: Session,
    role: Role,
    rep_id: int | None,
    team_ids: Sequence[int],
    *,
    user_id: int | None,
) -> list[Team]:
    """Check the rep or teams `role` needs (422/409 naming the field); the teams to store.
    A rep user's rep works in the field, an inside user's is an inside rep."""
    if role not in REP_ROLES and rep_id is not None:
        raise InvalidRequest("rep_id: only rep and inside users are tied to a rep", field="rep_id")
    if role is not Role.MANAGER and team_ids:
        raise InvalidRequest("team_ids: only managers have teams", field="team_ids")
    if role in REP_ROLES:
        if rep_id is None:
            raise InvalidRequest(
                f"rep_id: {_a(role.value)} user needs the id of their rep", field="rep_id"
            )
        rep = session.get(Rep, rep_id, options=[raiseload("*")])
        if rep is None:
            raise InvalidRequest(f"rep_id: no rep {rep_id}", field="rep_id")
        kind = INSIDE if role is Role.INSIDE else FIELD
        if rep.kind != kind:
            raise InvalidRequest(
                f"rep_id: {rep.name} is {_a(rep.kind)} rep; "
                f"{_a(role.value)} user needs {_a(kind)} rep",
                field="rep_id",
            )
        holder = session.scalar(select(User.id).where(User.rep_id == rep_id))
        if holder is not None and holder != user_id:
            raise Conflict(f"rep_id: rep {rep_id} already has user {holder}", field="rep_id")
    if role is not Role.MANAGER:
        return []
    if not team_ids:
        raise InvalidRequest("team_ids: a manager needs at least one team", field="team_ids")
    teams = list(session.scalars(select(Team).where(Team.id.in_(team_ids))))
    missing = sorted(set(team_ids) - {team.id for team in teams})
    if missing:
        raise InvalidRequest(f"team_ids: no team {', '.join(map(str, missing))}", field="team_ids")
    return teams


def _a(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


def _check_email(session: Session, email: str) -> None:
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"email: {email!r} is already used by another user", field="email")


def _token_owner(session: Session, principal: Principal, user_id: int) -> User:
    """The user whose tokens are asked for: yourself, or anyone for an admin (403 for other
    users you can see, 404 for those you cannot)."""
    user = get_user(session, principal, user_id)
    if not principal.is_admin and user.id != principal.user_id:
        raise Forbidden("only admins manage other users' tokens")
    return user


def create_token(
    session: Session, principal: Principal, user_id: int, body: TokenCreate
) -> TokenCreated:
    """A new token for the user, returned in clear this once (only its hash is stored)."""
    user = _token_owner(session, principal, user_id)
    value = issue_token(session, user, name=body.name)
    token = session.scalars(
        select(ApiToken).where(ApiToken.token_hash == hash_token(value)).options(raiseload("*"))
    ).one()
    if body.expires_in_days is not None:
        token.expires_at = clock.now() + timedelta(days=body.expires_in_days)
    session.flush()
    return TokenCreated(**TokenRead.model_validate(token).model_dump(), token=value)


def list_tokens(
    session: Session,
    settings: Settings,
    principal: Principal,
    user_id: int,
    params: TokenListParams,
) -> Page[TokenRead]:
    """The user's tokens, revoked and expired ones included, without their secrets."""
    user = _token_owner(session, principal, user_id)
    rows, total = fetch_page(
        session,
        ApiToken,
        [ApiToken.user_id == user.id],
        params,
        sorting=TOKEN_SORTING,
        max_page_size=settings.max_page_size,
        options=(raiseload("*"),),
    )
    items = [TokenRead.model_validate(token) for token in rows]
    return Page(items=items, total=total, limit=params.limit, offset=params.offset)


def revoke_token(session: Session, principal: Principal, user_id: int, token_id: int) -> None:
    """Revoke the token from now on (revoking twice keeps the first time)."""
    user = _token_owner(session, principal, user_id)
    token = session.scalars(
        select(ApiToken)
        .where(ApiToken.id == token_id, ApiToken.user_id == user.id)
        .options(raiseload("*"))
    ).first()
    if token is None:
        raise NotFound(f"no token {token_id} for user {user_id}")
    if token.revoked_at is None:
        token.revoked_at = clock.now()
    session.flush()


class WrongPassword(Forbidden):
    """The current password sent to change a password is not the user's."""


def change_password(
    session: Session, principal: Principal, user_id: int, body: PasswordChange
) -> str:
    """Set or change your own password (the current one is needed when you have one); returns
    the user's e-mail address, which wrong current passwords count against."""
    user = get_user(session, principal, user_id)
    if user.id != principal.user_id:
        raise Forbidden(
            "you set only your own password; an admin resets another user's "
            "(DELETE /api/v1/users/{user_id}/password)"
        )
    if user.password_hash is not None:
        if body.current_password is None:
            raise InvalidRequest(
                "current_password: needed to change a password", field="current_password"
            )
        if not check_password(user, body.current_password):
            raise WrongPassword(
                "current_password: this is not your current password", field="current_password"
            )
    problem = password_problem(body.new_password, email=user.email)
    if problem is not None:
        raise InvalidRequest(f"new_password: {problem}", field="new_password")
    set_password(user, body.new_password)
    session.flush()
    return user.email


def reset_password(session: Session, principal: Principal, user_id: int) -> None:
    """Clear a user's password and end their browser sessions (admins only). They sign in
    again with a sign-in link and set a new password."""
    require_role(principal, Role.ADMIN)
    user = get_user(session, principal, user_id)
    clear_password(user)
    sessions = select(ApiToken).where(
        ApiToken.user_id == user.id,
        ApiToken.name == BROWSER_SESSION,
        ApiToken.revoked_at.is_(None),
    )
    for token in session.scalars(sessions.options(raiseload("*"))):
        token.revoked_at = clock.now()
    session.flush()


def issue_sign_in_link(
    session: Session, settings: Settings, principal: Principal, user_id: int
) -> tuple[str, datetime]:
    """A one-time sign-in link's secret for a user the caller may see (admins: anyone;
    managers: themselves and their teams' reps; reps: themselves), and when it expires."""
    user = get_user(session, principal, user_id)
    if not user.active:
        raise Conflict(f"user {user_id} is deactivated: a sign-in link would not work")
    lifetime = timedelta(minutes=settings.sign_in_link_minutes)
    return issue_link(session, user, created_by=principal.user_id, lifetime=lifetime)

"""Users and their API tokens over HTTP: `UserCreate`, `UserUpdate`, `UserRead`, `TokenCreate`,
`TokenRead` (metadata only) and `TokenCreated` (the one answer that carries the token)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.core.config import Role
from app.core.schemas import Email, ListParams, Name, RowId, SearchText, Text, refuse_null

MAX_TOKEN_DAYS = 3650
TeamIds = Annotated[list[RowId], Field(max_length=100)]


class UserCreate(BaseModel):
    """A new user: a rep or inside user names their rep (`rep_id`), a manager their teams
    (`team_ids`)."""

    model_config = ConfigDict(extra="forbid")

    email: Email
    name: Name
    role: Role
    rep_id: RowId | None = None
    team_ids: TeamIds = Field(default_factory=list)
    active: bool = True


class UserUpdate(BaseModel):
    """A partial change (admins: any field; anyone: their own name)."""

    model_config = ConfigDict(extra="forbid")

    email: Email | None = None
    name: Name | None = None
    role: Role | None = None
    rep_id: RowId | None = None
    team_ids: TeamIds | None = None
    active: bool | None = None

    _not_null = field_validator("email", "name", "role", "team_ids", "active")(refuse_null)


class UserRead(BaseModel):
    id: int
    email: str
    name: str
    role: Role
    rep_id: int | None
    team_ids: list[int] = Field(description="the teams a manager manages")
    active: bool
    has_password: bool = Field(description="whether the user can sign in with a password")
    created_at: datetime


class UserListParams(ListParams):
    """Filters of `GET /users`; all optional, combined with AND."""

    role: Role | None = None
    active: bool | None = None
    q: SearchText = Field(default=None, description="text in name or email")


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[Text, Field(max_length=100, description="to tell your tokens apart")]
    expires_in_days: int | None = Field(
        default=None, ge=1, le=MAX_TOKEN_DAYS, description="null: never expires"
    )


class TokenRead(BaseModel):
    """What is kept about a token: never the token itself, nor its hash."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str = Field(description="the first characters, to recognise it")
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenRead):
    token: str = Field(description="the bearer token; shown this once, store it now")


class TokenListParams(ListParams):
    """Paging and sorting of a user's tokens (newest first by default)."""


Password = Annotated[str, Field(min_length=1, max_length=200)]


class PasswordChange(BaseModel):
    """Set or change your own password: `current_password` is needed when you have one."""

    model_config = ConfigDict(extra="forbid")

    current_password: Password | None = None
    new_password: Password = Field(
        description="12 to 200 characters, not a common password, not your e-mail address"
    )


class SignInLinkCreated(BaseModel):
    """A one-time sign-in link: open it on the phone (or scan the QR code) before it expires."""

    url: str = Field(description="works once; shown this once")
    expires_at: datetime
    qr_svg: str = Field(description="the URL as a QR code, an inline SVG element")

"""Bearer-token authentication.

The seam is `TokenVerifier`: today `SettingsTokenVerifier` checks tokens listed in settings
(`FIELDROUTE_API_TOKENS`, or the dev token in development). Issue 3 replaces
`get_token_verifier` with one backed by users and tokens in the database; routers only see
`CurrentPrincipal` and do not change.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Protocol

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.config import ApiToken, Role
from app.deps import SettingsDep
from app.errors import Unauthorized


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the token holder's name and role."""

    name: str
    role: Role


class TokenVerifier(Protocol):
    def verify(self, token: str) -> Principal | None:
        """The principal holding `token`, or None if the token is unknown."""
        ...


class SettingsTokenVerifier:
    """Tokens from settings, compared in constant time."""

    def __init__(self, tokens: Sequence[ApiToken]) -> None:
        self._tokens = [
            (t.token.get_secret_value().encode(), Principal(t.name, t.role)) for t in tokens
        ]

    def verify(self, token: str) -> Principal | None:
        given = token.encode()
        found = None
        for value, principal in self._tokens:
            if hmac.compare_digest(given, value):
                found = principal
        return found


def get_token_verifier(settings: SettingsDep) -> TokenVerifier:
    return SettingsTokenVerifier(settings.api_tokens)


_bearer = HTTPBearer(auto_error=False, description="An API token: `Authorization: Bearer <token>`")


def authenticate(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    verifier: Annotated[TokenVerifier, Depends(get_token_verifier)],
) -> Principal:
    """The caller, from the `Authorization: Bearer <token>` header; 401 otherwise."""
    if credentials is None:
        raise Unauthorized("missing bearer token: send `Authorization: Bearer <token>`")
    principal = verifier.verify(credentials.credentials)
    if principal is None:
        raise Unauthorized("unknown bearer token")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(authenticate)]

"""Settings, read from `FIELDROUTE_*` environment variables (pydantic-settings)."""

from __future__ import annotations

import os
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from routing.matrix import DEFAULT_CIRCUITY, DEFAULT_SPEED_KMH

DEV_TOKEN = "fieldroute-dev-token"
"""The token `make run` prints. Refused outside development."""

MIN_TOKEN_LENGTH = 16


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    REP = "rep"


class ApiToken(BaseModel):
    """A bearer token and who holds it; e.g. `{"name": "crm", "role": "admin", "token": "..."}`."""

    name: str = Field(min_length=1)
    role: Role
    token: SecretStr


def _dev_tokens() -> list[ApiToken]:
    return [ApiToken(name="dev", role=Role.ADMIN, token=SecretStr(DEV_TOKEN))]


class Settings(BaseSettings):
    """Everything configurable. `FIELDROUTE_API_TOKENS` is JSON: a list of `ApiToken`s."""

    model_config = SettingsConfigDict(env_prefix="FIELDROUTE_", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    api_tokens: list[ApiToken] = Field(default_factory=_dev_tokens)

    max_time_limit_s: float = Field(default=60.0, gt=0)
    max_stops: int = Field(default=1000, ge=0)
    max_vehicles: int = Field(default=100, ge=1)
    max_body_bytes: int = Field(default=50 * 1024 * 1024, ge=1024)
    max_concurrent_solves: int = Field(default=2, ge=1)
    solver_workers: int = Field(
        default_factory=lambda: min(2, os.cpu_count() or 1),
        ge=1,
        description="parallel search processes per solve (differently seeded; the best wins)",
    )

    default_speed_kmh: float = Field(default=DEFAULT_SPEED_KMH, gt=0)
    default_circuity: float = Field(default=DEFAULT_CIRCUITY, ge=1.0)

    @model_validator(mode="after")
    def _check_tokens(self) -> Self:
        values = [t.token.get_secret_value() for t in self.api_tokens]
        if len(set(values)) != len(values):
            raise ValueError("api_tokens: the same token is listed twice")
        if self.environment is Environment.DEVELOPMENT:
            return self
        for token in self.api_tokens:
            value = token.token.get_secret_value()
            if value == DEV_TOKEN:
                raise ValueError(
                    f"api_tokens: token {token.name!r} is the development token; "
                    f"set FIELDROUTE_API_TOKENS for environment {self.environment.value!r}"
                )
            if len(value) < MIN_TOKEN_LENGTH:
                raise ValueError(
                    f"api_tokens: token {token.name!r} is shorter than {MIN_TOKEN_LENGTH} characters"
                )
        return self


def dev_token_hint(settings: Settings) -> str:
    """What `make run` prints about authentication."""
    if any(t.token.get_secret_value() == DEV_TOKEN for t in settings.api_tokens):
        return f"Dev API token: {DEV_TOKEN}  (header `Authorization: Bearer {DEV_TOKEN}`)"
    return "API tokens: as configured in FIELDROUTE_API_TOKENS"

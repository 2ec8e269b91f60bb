"""Settings refuse the development token and weak tokens outside development."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from app.config import DEV_TOKEN, ApiToken, Environment, Role, Settings


def test_development_has_the_dev_token_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FIELDROUTE_API_TOKENS", raising=False)
    monkeypatch.delenv("FIELDROUTE_ENVIRONMENT", raising=False)
    settings = Settings()
    assert settings.environment is Environment.DEVELOPMENT
    assert [t.token.get_secret_value() for t in settings.api_tokens] == [DEV_TOKEN]


def test_production_refuses_the_dev_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FIELDROUTE_API_TOKENS", raising=False)
    monkeypatch.setenv("FIELDROUTE_ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match="development token"):
        Settings()


def test_production_refuses_short_tokens() -> None:
    with pytest.raises(ValidationError, match="shorter than"):
        Settings(
            environment=Environment.PRODUCTION,
            api_tokens=[ApiToken(name="ci", role=Role.ADMIN, token=SecretStr("short"))],
        )


def test_tokens_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDROUTE_ENVIRONMENT", "production")
    monkeypatch.setenv(
        "FIELDROUTE_API_TOKENS",
        '[{"name": "crm", "role": "manager", "token": "a-long-production-token"}]',
    )
    settings = Settings()
    [token] = settings.api_tokens
    assert (token.name, token.role) == ("crm", Role.MANAGER)
    assert "a-long-production-token" not in repr(settings)


def test_the_same_token_twice_is_refused() -> None:
    token = SecretStr("x" * 20)
    with pytest.raises(ValidationError, match="twice"):
        Settings(
            api_tokens=[
                ApiToken(name="a", role=Role.ADMIN, token=token),
                ApiToken(name="b", role=Role.REP, token=token),
            ]
        )

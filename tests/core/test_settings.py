"""Settings: where the database is, and what outside services need before they are used."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from app.core.config import Settings


def test_sqlite_file_under_the_data_dir_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("FIELDROUTE_DATABASE_URL", raising=False)
    settings = Settings(data_dir=Path("/srv/fieldroute"))
    assert settings.sqlalchemy_url == "sqlite:////srv/fieldroute/fieldroute.db"


@pytest.mark.parametrize("variable", ["DATABASE_URL", "FIELDROUTE_DATABASE_URL"])
def test_postgres_from_the_environment_uses_psycopg3(
    monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("FIELDROUTE_DATABASE_URL", raising=False)
    monkeypatch.setenv(variable, "postgresql://fr:secret@db:5432/fieldroute")
    settings = Settings()
    assert settings.sqlalchemy_url == "postgresql+psycopg://fr:secret@db:5432/fieldroute"


def test_online_geocoder_needs_a_real_user_agent() -> None:
    with pytest.raises(ValidationError, match="user agent"):
        Settings(geocoder_online="nominatim")
    configured = Settings(
        geocoder_online="nominatim", geocoder_user_agent="acme-fieldroute/1.0 (ops@acme.example)"
    )
    assert configured.geocoder_online == "nominatim"


def test_session_cookie_is_secure_outside_development() -> None:
    assert Settings(environment="production").cookie_secure
    assert not Settings(environment="development").cookie_secure

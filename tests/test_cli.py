"""The shell commands: the first admin, tokens, a CRM import with its report, the demo."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.config import Settings
from app.db import make_engine, make_session_factory
from app.models import Account, ApiToken, User
from app.security import hash_token


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("FIELDROUTE_DATABASE_URL", raising=False)
    monkeypatch.setenv("FIELDROUTE_DATA_DIR", str(tmp_path))
    return Settings()


def count(settings: Settings, model: type) -> int:
    engine = make_engine(settings.sqlalchemy_url)
    with make_session_factory(engine)() as session:
        value = session.scalar(select(func.count()).select_from(model)) or 0
    engine.dispose()
    return value


def test_create_admin_prints_a_working_token(
    env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["create-admin", "ops@acme.example", "Ops"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    engine = make_engine(env.sqlalchemy_url)
    with make_session_factory(engine)() as session:
        stored = session.scalars(select(ApiToken)).one()
        assert stored.token_hash == hash_token(token)
        assert not stored.development_only
        assert session.scalars(select(User)).one().role == "admin"
    engine.dispose()
    assert main(["create-admin", "ops@acme.example", "Ops"]) == 2


def test_import_accounts_reports_rows(
    env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["create-admin", "ops@acme.example", "Ops"])
    export = tmp_path / "export.csv"
    export.write_text("id;name;zip\nA1;Alpha;60601\nA2;;60601\n", encoding="utf-8")
    assert main(["import-accounts", str(export), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "1 would be created" in out
    assert "row 3 [name]" in out
    assert count(env, Account) == 0
    assert main(["import-accounts", str(export)]) == 0
    assert "1 were created" in capsys.readouterr().out
    assert count(env, Account) == 1


def test_import_of_a_missing_file_is_an_error(
    env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import-accounts", str(tmp_path / "nope.csv")]) == 2
    assert "nope.csv" in capsys.readouterr().err

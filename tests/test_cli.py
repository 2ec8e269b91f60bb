"""The shell commands: the first admin, tokens, a CRM import with its report, the demo (its
company and road data)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.auth.tokens import hash_token
from app.cli import main
from app.core.config import Settings
from app.core.db import make_engine, make_session_factory
from app.models import Account, ApiToken, User
from app.roads.build import current_manifest
from tests.moments import TODAY_UTC


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
    assert "warning: no column gives the account value, so every account" in out
    assert count(env, Account) == 0
    assert main(["import-accounts", str(export)]) == 0
    assert "1 were created" in capsys.readouterr().out
    assert count(env, Account) == 1


def test_import_of_a_missing_file_is_an_error(
    env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import-accounts", str(tmp_path / "nope.csv")]) == 2
    assert "nope.csv" in capsys.readouterr().err


def test_plan_plans_every_rep_and_names_the_ones_it_cannot(
    env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import timedelta

    from app.models import Rep, RoutePlan, Team, Territory

    main(["create-admin", "ops@acme.example", "Ops"])
    engine = make_engine(env.sqlalchemy_url)
    with make_session_factory(engine)() as session:
        team = Team(name="Lake")
        homed = Rep(name="Ann Home", email="ann@x.example", team=team,
                    home_latitude=41.9, home_longitude=-87.7)  # fmt: skip
        homeless = Rep(name="Bo Nohome", email="bo@x.example", team=team)
        session.add_all([homed, homeless])
        session.flush()
        territory = Territory(name="T Ann", team_id=team.id, rep_id=homed.id)
        session.add(territory)
        session.flush()
        for n in range(3):
            session.add(
                Account(name=f"Acc {n}", latitude=41.9 + 0.01 * n, longitude=-87.7,
                        value=50_000.0, cadence_days=14, team_id=team.id,
                        territory_id=territory.id)
            )  # fmt: skip
        session.commit()
    today = TODAY_UTC
    monday = today + timedelta(days=7 - today.weekday())
    code = main(["plan", "--date", monday.isoformat(), "--time-limit", "0.3"])
    captured = capsys.readouterr()
    assert code == 1  # one rep could not be planned
    assert f"Ann Home                 {monday} v1:  3 stops" in captured.out
    assert "Bo Nohome: not planned" in captured.err
    assert "no home location" in captured.err
    assert "plan: 100%" in captured.err  # the batch's progress bar
    assert "2/2" in captured.err
    assert count(env, RoutePlan) == 1
    assert main(["plan", "--date", monday.isoformat(), "--team", "Nowhere"]) == 2
    assert main(["plan", "--days", "9"]) == 2
    engine.dispose()


def test_demo_loads_baltimore_and_builds_its_roads_once(
    env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "loading the demo company Harborline Supply Co. (Baltimore)" in out
    assert "building road data for baltimore from baltimore.osm.pbf" in out
    assert "built baltimore v1 from baltimore.osm.pbf" in out
    assert "admin    Pat Admin                fr_dev_admin" in out
    assert count(env, Account) == 300
    assert current_manifest(env.data_dir, "baltimore") is not None

    assert main(["demo", "--company", "chicagoland"]) == 0
    out = capsys.readouterr().out
    assert "database is not empty (it holds the demo Harborline Supply Co. (Baltimore))" in out
    assert "roads: baltimore v1" in out  # found, not built again
    assert "building" not in out
    assert count(env, Account) == 300


def test_demo_refuses_an_unknown_company(env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["demo", "--company", "atlantis"])
    assert exited.value.code == 2
    assert "invalid choice: 'atlantis'" in capsys.readouterr().err

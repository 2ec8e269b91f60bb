"""compose.yaml (issue 14) checked without Docker: its services, their commands against the
CLI, their variables against the settings, health checks, and Redis that keeps its queue."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.cli import main
from app.core.config import Settings

ROOT = Path(__file__).resolve().parents[1]
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    return loaded


def _env(service: dict[str, Any]) -> dict[str, str]:
    """The service's variables, `${VAR:?...}` filled as a deployment would."""
    return {
        key: re.sub(r"\$\{[A-Z_]+(:\?[^}]*)?\}", "secret", str(value))
        for key, value in service["environment"].items()
    }


def test_the_services_are_all_there_and_built_from_the_dockerfile(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    assert set(services) == {*APP_SERVICES, "redis", "postgres"}
    assert (ROOT / "Dockerfile").is_file()
    for name in APP_SERVICES:
        assert services[name]["build"] == ".", name
        assert set(services[name]["depends_on"]) == {"redis", "postgres"}
    for name in ("web", "worker", "redis", "postgres"):
        assert services[name]["healthcheck"]["test"], name
    assert "/health/ready" in " ".join(services["web"]["healthcheck"]["test"])


def test_every_variable_is_a_setting_and_the_settings_hold(compose: dict[str, Any]) -> None:
    fields = {name.upper() for name in Settings.model_fields}
    for name in APP_SERVICES:
        env = _env(compose["services"][name])
        unknown = {key for key in env if key.removeprefix("FIELDROUTE_") not in fields}
        assert not unknown, f"{name}: {unknown} are not settings (app/core/config.py)"
        settings = Settings(
            **{key.removeprefix("FIELDROUTE_").lower(): v for key, v in env.items()}
        )
        assert settings.broker_url is not None
        assert settings.sqlalchemy_url.startswith("postgresql+psycopg://")
        # A job whose worker died is handed on only after the longest solve could have ended.
        assert settings.job_visibility_timeout_s > 10 * max(
            settings.max_time_limit_s, settings.plan_week_time_limit_s
        )


def test_the_commands_are_the_clis_and_the_makefiles(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["web"]["command"][:2] == ["uvicorn", "app.main:app"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for name in ("worker", "beat"):
        command = services[name]["command"]
        assert command[:3] == ["python", "-m", "app.cli"], name
        assert command[3] == name
        assert re.search(rf"^{name}:.*\n(\t.*\n)*\t.*app\.cli {name}\b", makefile, re.M), name
        with pytest.raises(SystemExit) as helped:
            main([*command[3:], "--help"])
        assert helped.value.code == 0


def test_redis_keeps_its_queue_and_the_worker_is_pinged_on_it(compose: dict[str, Any]) -> None:
    redis = compose["services"]["redis"]
    assert shlex.join(redis["command"]).count("--appendonly yes") == 1
    assert "/data" in redis["volumes"][0]
    ping = compose["services"]["worker"]["healthcheck"]["test"][1]
    assert "inspect ping" in ping
    assert "$$FIELDROUTE_BROKER_URL" in ping

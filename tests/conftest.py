"""Fixtures shared by all tests: an app built from explicit test settings, and a client."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import settings as hypothesis_settings
from pydantic import SecretStr

from app.config import ApiToken, Environment, Role, Settings
from app.main import create_app

# CI explores the same examples every run, so a red build is reproducible; locally each run
# explores new ones (and keeps failures in .hypothesis/ to replay them).
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

TEST_TOKEN = "test-token-0123456789"
REP_TOKEN = "rep-token-0123456789"


@pytest.fixture
def settings() -> Settings:
    return Settings(
        environment=Environment.DEVELOPMENT,
        api_tokens=[
            ApiToken(name="tester", role=Role.ADMIN, token=SecretStr(TEST_TOKEN)),
            ApiToken(name="rep", role=Role.REP, token=SecretStr(REP_TOKEN)),
        ],
        max_time_limit_s=2.0,
        max_stops=50,
        max_vehicles=5,
        max_body_bytes=200_000,
        max_concurrent_solves=2,
        solver_workers=1,
    )


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TEST_TOKEN}"}


@pytest.fixture
def rep_auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {REP_TOKEN}"}

"""The territory drive estimate and the driving part of workloads on road data: with OSRM data
built for the region, both use the estimate fitted to those roads (`fit_estimate`); without it,
the settings' defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.clock import FixedClock
from app.core.config import Environment, RoadEngineKind, Settings
from app.main import create_app
from app.roads.build import current_manifest
from app.roads.embedded import EmbeddedOsrm
from app.roads.fit import fit_estimate
from app.roads.service import drive_factors
from app.territories.state import TRAVEL_MINUTES_PER_VISIT
from tests.backends import ON_BOTH_BACKENDS
from tests.seed import World

pytestmark = ON_BOTH_BACKENDS
URL = "/api/v1/territories"
REGION = "baltimore"


@pytest.fixture
def settings(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> Settings:
    """The test app's settings; `roads` (indirect parameter) links built road data into its
    data dir and picks the region."""
    region = getattr(request, "param", None)
    if region is not None:
        built: Path = request.getfixturevalue("road_data_dir")
        (tmp_path / "roads").symlink_to(built / "roads", target_is_directory=True)
    return Settings(
        environment=Environment.DEVELOPMENT,
        database_url=database_url,
        data_dir=tmp_path,
        roads_region=region,
        max_time_limit_s=2.0,
        solver_workers=1,
    )


def overview(client: TestClient, world: World) -> dict[int, dict[str, Any]]:
    response = client.get(
        URL, params={"team_id": world.team_ids["North"]}, headers=world.headers("manager_north")
    )
    assert response.status_code == 200, response.text
    return {rep["rep_id"]: rep for rep in response.json()["reps"]}


@pytest.mark.parametrize("settings", [REGION], indirect=True)
def test_with_road_data_the_figures_use_the_fitted_factors(
    client: TestClient, world: World, settings: Settings, clock: FixedClock
) -> None:
    folder, manifest = current_manifest(settings.data_dir, REGION) or pytest.fail("no roads")
    fitted = fit_estimate(EmbeddedOsrm(folder, manifest), manifest.bbox, REGION)
    assert fitted is not None
    circuity, speed_kmh, label = drive_factors(settings)
    assert (circuity, speed_kmh) == (fitted.circuity, fitted.speed_kmh)
    assert label == f"fitted to the roads of {REGION}"
    # Baltimore's streets are slower and more roundabout than the defaults (1.3 at 50 km/h).
    assert circuity > settings.default_circuity * 1.05
    assert speed_kmh < settings.default_speed_kmh * 0.95

    on_roads = overview(client, world)
    plain = settings.model_copy(update={"roads_engine": RoadEngineKind.ESTIMATE})
    with TestClient(create_app(plain, clock)) as estimate_client:
        assert drive_factors(plain)[:2] == (plain.default_circuity, plain.default_speed_kmh)
        on_defaults = overview(estimate_client, world)

    # The straight-line drive is the same; only the two factors differ.
    minutes = TRAVEL_MINUTES_PER_VISIT * (circuity / speed_kmh) / (1.3 / 50.0)
    visits_per_week = 3 * 7 / 28  # three accounts each, every 28 days
    for rep_id, road in on_roads.items():
        default = on_defaults[rep_id]
        assert default["drive_km_week"] > 5
        assert road["drive_km_week"] == pytest.approx(
            default["drive_km_week"] * circuity / settings.default_circuity, abs=0.15
        )
        assert road["drive_hours_week"] == pytest.approx(
            road["drive_km_week"] / speed_kmh, abs=0.01
        )
        assert road["workload_hours"] - default["workload_hours"] == pytest.approx(
            visits_per_week * (minutes - TRAVEL_MINUTES_PER_VISIT) / 60, abs=0.01
        )


def test_without_road_data_the_figures_use_the_defaults(
    client: TestClient, world: World, settings: Settings
) -> None:
    circuity, speed_kmh, label = drive_factors(settings)
    assert (circuity, speed_kmh) == (settings.default_circuity, settings.default_speed_kmh)
    assert label == "the default estimate (no road data built)"
    for rep in overview(client, world).values():
        assert rep["drive_hours_week"] == pytest.approx(
            rep["drive_km_week"] / settings.default_speed_kmh, abs=0.01
        )
        # Three 30-minute visits every 28 days, each with the default 20 minutes of driving.
        assert rep["workload_hours"] == pytest.approx(3 * 7 / 28 * (30 + 20) / 60, abs=0.01)

"""Road builds as jobs (issue 14): an admin starts one through the API from an extract in the
data directory's `extracts/`; it runs as a job with a step per OSRM stage; bad names and bad
files are refused, and a failed build leaves the data in use as it was."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.core.clock import FixedClock
from app.core.config import Settings
from app.main import create_app
from app.roads.task import extracts_dir
from tests.conftest import ROAD_EXTRACTS
from tests.seed import World

URL = "/api/v1/roads/builds"


@pytest.fixture
def client(settings: Settings, clock: FixedClock) -> Iterator[TestClient]:
    extracts_dir(settings.data_dir).mkdir(parents=True)
    shutil.copy(ROAD_EXTRACTS / "liechtenstein.osm.pbf", extracts_dir(settings.data_dir))
    with TestClient(create_app(settings, clock)) as test_client:
        yield test_client


def test_an_admin_builds_roads_as_a_job(client: TestClient, world: World) -> None:
    admin = world.headers("admin")
    answer = client.post(URL, json={"extract": "liechtenstein.osm.pbf"}, headers=admin)
    assert answer.status_code == 202, answer.text
    assert answer.json()["kind"] == "build_roads"
    job = client.get(answer.headers["location"], headers=admin).json()
    assert (job["state"], job["error"]) == ("succeeded", None)
    assert job["progress"] == {"done": 3, "total": 3}
    assert job["links"]["region"] == "liechtenstein"
    roads = client.get("/api/v1/roads", headers=admin).json()
    assert "liechtenstein" in str(roads)


def test_a_bad_extract_fails_the_job_and_keeps_the_roads(
    client: TestClient, world: World, settings: Settings
) -> None:
    admin = world.headers("admin")
    (extracts_dir(settings.data_dir) / "broken.osm.pbf").write_bytes(b"not a pbf")
    answer = client.post(URL, json={"extract": "broken.osm.pbf"}, headers=admin)
    job = client.get(answer.headers["location"], headers=admin).json()
    assert job["state"] == "failed"
    assert "not an OpenStreetMap extract" in job["error"]
    assert list((settings.data_dir / "roads").glob("broken/v*")) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"extract": "../fieldroute.osm.pbf"}, "extract"),
        ({"extract": "/etc/passwd.osm.pbf"}, "extract"),
        ({"extract": "missing.osm.pbf"}, "extract"),
        ({"extract": "liechtenstein.osm.pbf", "region": "Bad Name"}, "region"),
    ],
)
def test_names_outside_the_extracts_folder_are_refused(
    client: TestClient, world: World, body: dict[str, str], field: str
) -> None:
    answer = client.post(URL, json=body, headers=world.headers("admin"))
    assert answer.status_code == 422
    assert answer.json()["field"] == field
    assert client.get("/api/v1/jobs", headers=world.headers("admin")).json() == []


def test_only_admins_build(client: TestClient, world: World) -> None:
    body = {"extract": "liechtenstein.osm.pbf"}
    for who in ("manager_north", "rep_north_1"):
        assert client.post(URL, json=body, headers=world.headers(who)).status_code == 403


def test_the_extracts_folder_is_under_the_data_dir(settings: Settings) -> None:
    assert extracts_dir(settings.data_dir) == Path(settings.data_dir) / "extracts"

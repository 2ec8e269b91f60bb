"""The Baltimore demo company (data/demo/baltimore/), the one `make run` loads: real addresses
from the OpenStreetMap extract its road data is built from, every one placed at address precision
and on the roads, reproducible from its seed."""

from __future__ import annotations

import csv
import math
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from app.core.config import RoadEngineKind, Settings
from app.demo import COMPANIES, ensure_roads
from app.geocoding import AddressQuery, OsmAddressIndex, Precision
from app.imports.parsing import read_accounts_csv
from app.roads.build import current_manifest
from app.roads.service import travel
from routing import Point
from tests.test_demo_data import OPENING_HOURS, haversine_km, load_build

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo" / "baltimore"
EXTRACT = Path(__file__).resolve().parents[1] / "data" / "roads" / "baltimore.osm.pbf"
FILES = ("accounts.csv", "teams.csv", "reps.csv", "users.csv")


def read(name: str) -> list[dict[str, str]]:
    with (DEMO / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def index() -> OsmAddressIndex:
    return OsmAddressIndex.from_file(EXTRACT)


def account_query(row: dict[str, str]) -> AddressQuery:
    return AddressQuery(
        street=row["Billing Street"],
        city=row["Billing City"],
        region=row["Billing State/Province"],
        postcode=row["Billing Zip/Postal Code"],
        country=row["Billing Country"],
    )


def home_query(row: dict[str, str]) -> AddressQuery:
    return AddressQuery(
        street=row["home_street"],
        city=row["home_city"],
        region=row["home_region"],
        postcode=row["home_postcode"],
        country=row["home_country"],
    )


def test_generator_reproduces_the_committed_files(tmp_path: Path) -> None:
    stats = load_build().generate("baltimore", tmp_path)
    assert any(line.startswith("accounts: 300 at real addresses") for line in stats)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes(), name


def test_accounts_parse_through_the_crm_import_without_errors() -> None:
    parsed = read_accounts_csv((DEMO / "accounts.csv").read_bytes())
    assert parsed.errors == []
    assert parsed.total_rows == len(parsed.rows) == 300
    assert {row.team for row in parsed.rows} == {"West", "East"}
    assert all(row.latitude is None for row in parsed.rows)  # the geocoder places them


def test_accounts_are_businesses_with_hours_values_and_cadences() -> None:
    accounts = read("accounts.csv")
    names = [(a["Account Name"], a["Billing City"]) for a in accounts]
    assert len(set(names)) == len(names)
    assert len({a["Billing Street"] for a in accounts}) >= 280  # suites share a building
    assert {a["Billing State/Province"] for a in accounts} == {"MD"}
    assert all(a["Billing Zip/Postal Code"].startswith("212") for a in accounts)
    assert all(a["Phone"][1:4] in ("410", "443", "667") for a in accounts)
    hours = [a["Opening Hours"] for a in accounts]
    assert [h for h in hours if not OPENING_HOURS.match(h)] == []
    tiers = Counter(a["Tier"] for a in accounts)
    assert tiers == {"A": 30, "B": 75, "C": 195}
    values = sorted((int(a["Annual Value"]) for a in accounts), reverse=True)
    assert sum(values[:60]) / sum(values) >= 0.5


def test_every_account_and_home_is_a_real_address_of_the_extract(
    index: OsmAddressIndex,
) -> None:
    queries = [account_query(a) for a in read("accounts.csv")]
    queries += [home_query(r) for r in read("reps.csv")]
    results = [index.lookup(q) for q in queries]
    missed = [q.one_line() for q, r in zip(queries, results, strict=True) if r is None]
    assert missed == []
    imprecise = [
        (q.one_line(), r.precision, r.matched)
        for q, r in zip(queries, results, strict=True)
        if r is not None and (r.precision is not Precision.ADDRESS or r.score < 1.0)
    ]
    assert imprecise == []


def test_reps_live_among_their_accounts(index: OsmAddressIndex) -> None:
    reps = read("reps.csv")
    assert len(reps) == 5
    assert set(Counter(r["team"] for r in reps)) == {"West", "East"}
    accounts = read("accounts.csv")
    points = [index.lookup(account_query(a)) for a in accounts]
    for rep in reps:
        home = index.lookup(home_query(rep))
        assert home is not None
        nearest = min(
            haversine_km(home.latitude, home.longitude, p.latitude, p.longitude)
            for p in points
            if p is not None
        )
        assert nearest < 1.0, rep["name"]
        assert rep["shift_start"] < rep["lunch_start"] < rep["lunch_end"] < rep["shift_end"]
    street_of = {(a["Billing Street"], a["Billing City"]) for a in accounts}
    assert not any((r["home_street"], r["home_city"]) in street_of for r in reps)
    users = Counter(u["role"] for u in read("users.csv"))
    assert users == {"admin": 1, "manager": 2, "rep": 5}


def test_every_account_and_home_is_on_the_roads(
    index: OsmAddressIndex, road_data_dir: Path
) -> None:
    queries = [account_query(a) for a in read("accounts.csv")]
    queries += [home_query(r) for r in read("reps.csv")]
    found = [index.lookup(q) for q in queries]
    points = [Point(r.latitude, r.longitude) for r in found if r is not None]
    assert len(points) == 305
    roads = travel(Settings(data_dir=road_data_dir, roads_region="baltimore"))
    matrix = roads.matrix(points)
    assert matrix.model == "osrm"
    assert dict(matrix.unreachable) == {}
    durations = matrix.durations_s
    assert all(math.isfinite(float(d)) and d >= 0 for d in durations.flat)
    # Two addresses may snap to one spot of a street (0 s); most pairs are a real drive apart.
    off_diagonal = ~np.eye(len(points), dtype=bool)
    assert float((durations[off_diagonal] > 0).mean()) > 0.99
    # Central Baltimore, about 5 x 7 km: no drive between two of them takes half an hour.
    assert float(durations.max()) < 1800


def test_demo_roads_are_built_only_where_the_app_would_use_them(
    road_data_dir: Path, tmp_path: Path
) -> None:
    baltimore, chicagoland = COMPANIES["baltimore"], COMPANIES["chicagoland"]
    note = ensure_roads(Settings(data_dir=tmp_path), chicagoland)
    assert note.built is None
    assert "no road data ships for Lakeshore Supply Co." in note.note
    estimate = Settings(data_dir=tmp_path, roads_engine=RoadEngineKind.ESTIMATE)
    assert ensure_roads(estimate, baltimore).note == "roads: the estimate engine (not built here)"
    elsewhere = Settings(data_dir=tmp_path, roads_region="liechtenstein")
    note = ensure_roads(elsewhere, baltimore)
    assert note.built is None
    assert note.note == (
        "roads: roads_region is 'liechtenstein' (not built); the demo's addresses are in "
        "'baltimore'"
    )
    assert current_manifest(tmp_path) is None  # none of these built anything
    found = ensure_roads(Settings(data_dir=road_data_dir), baltimore)
    assert found.built is None
    assert found.note.startswith("roads: baltimore v1 from baltimore.osm.pbf")


def test_demo_roads_that_fail_to_build_leave_the_demo_on_the_estimate(tmp_path: Path) -> None:
    broken = tmp_path / "baltimore.osm.pbf"
    broken.write_bytes(b"")
    company = replace(COMPANIES["baltimore"], extract=broken)
    note = ensure_roads(Settings(data_dir=tmp_path), company)
    assert note.built is None
    assert note.note == (
        f"roads: not built ({broken}: the file is empty); plans use the straight-line estimate"
    )
    assert current_manifest(tmp_path) is None

"""The committed Chicagoland demo company (data/demo/chicagoland/) is realistic, consistent and
reproducible; the Baltimore one has its own tests (test_demo_baltimore.py)."""

from __future__ import annotations

import csv
import importlib.util
import math
import re
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest
import zipcodes

BUILD = Path(__file__).resolve().parents[1] / "data" / "demo" / "build.py"
DEMO = BUILD.parent / "chicagoland"
FILES = ("accounts.csv", "teams.csv", "reps.csv", "users.csv")
_DAYS = r"(?:Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?"
_SPAN = r"(?:[01]\d|2[0-3]):[0-5]\d-(?:[01]\d|2[0-4]):[0-5]\d"
_RULE = rf"{_DAYS}(?:,{_DAYS})* {_SPAN}(?:,{_SPAN})*"
OPENING_HOURS = re.compile(rf"^(?:24/7|{_RULE}(?:; {_RULE})*)$")


def read(name: str) -> list[dict[str, str]]:
    with (DEMO / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2, dp, dl = map(math.radians, (lat1, lat2, lat2 - lat1, lon2 - lon1))
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def accounts() -> list[dict[str, str]]:
    return read("accounts.csv")


@pytest.fixture(scope="module")
def reps() -> list[dict[str, str]]:
    return read("reps.csv")


@pytest.fixture(scope="module")
def zips() -> dict[str, dict[str, object]]:
    return {z["zip_code"]: z for z in zipcodes.list_all()}  # type: ignore[no-untyped-call]


def is_real_place(zips: dict[str, dict[str, object]], city: str, state: str, zip_code: str) -> bool:
    z = zips.get(zip_code)
    return (
        z is not None
        and (z["city"], z["state"]) == (city, state)
        and z["zip_code_type"] == "STANDARD"
        and z["active"] is True
        and bool(z["lat"])
    )


def centroid(zips: dict[str, dict[str, object]], zip_code: str) -> tuple[float, float]:
    z = zips[zip_code]
    return float(str(z["lat"])), float(str(z["long"]))


def test_accounts_look_like_a_salesforce_export(accounts: list[dict[str, str]]) -> None:
    assert len(accounts) >= 1_500
    ids = [a["Account ID"] for a in accounts]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"001[0-9A-Za-z]{15}", i) for i in ids)
    assert all(re.fullmatch(r"\d{5}", a["Billing Zip/Postal Code"]) for a in accounts)
    assert all(re.fullmatch(r"[A-Z]{2}", a["Billing State/Province"]) for a in accounts)
    assert {a["Billing Country"] for a in accounts} == {"USA"}
    assert all(re.fullmatch(r"\(\d{3}\) 555-01\d\d", a["Phone"]) for a in accounts)
    assert {a["Territory"] for a in accounts} == {""}
    assert {a["Team"] for a in accounts} == {t["name"] for t in read("teams.csv")}
    active = Counter(a["Active"] for a in accounts)
    assert set(active) == {"true", "false"}
    assert 0.005 < active["false"] / len(accounts) < 0.05
    names = [(a["Account Name"], a["Billing City"], a["Billing State/Province"]) for a in accounts]
    assert len(set(names)) == len(names), "two accounts share a name in one city"


def test_every_account_is_at_a_real_standard_zip(
    accounts: list[dict[str, str]], zips: dict[str, dict[str, object]]
) -> None:
    wrong = [
        a["Account ID"]
        for a in accounts
        if not is_real_place(
            zips, a["Billing City"], a["Billing State/Province"], a["Billing Zip/Postal Code"]
        )
    ]
    assert wrong == []


def test_crm_coordinates_are_rare_and_inside_their_zip(
    accounts: list[dict[str, str]], zips: dict[str, dict[str, object]]
) -> None:
    with_coords = [a for a in accounts if a["Billing Latitude"]]
    assert 0.003 < len(with_coords) / len(accounts) < 0.03
    assert all(bool(a["Billing Longitude"]) == bool(a["Billing Latitude"]) for a in accounts)
    for a in with_coords:
        lat, lon = centroid(zips, a["Billing Zip/Postal Code"])
        assert abs(float(a["Billing Latitude"]) - lat) <= 0.0101
        assert abs(float(a["Billing Longitude"]) - lon) <= 0.0101


def test_region_is_at_least_150_km_across(
    accounts: list[dict[str, str]], zips: dict[str, dict[str, object]]
) -> None:
    points = [centroid(zips, a["Billing Zip/Postal Code"]) for a in accounts]
    south, north = min(p[0] for p in points), max(p[0] for p in points)
    west, east = min(p[1] for p in points), max(p[1] for p in points)
    assert haversine_km(south, west, north, east) >= 150
    assert len({a["Billing State/Province"] for a in accounts}) >= 2


def test_opening_hours_use_the_supported_syntax(accounts: list[dict[str, str]]) -> None:
    hours = [a["Opening Hours"] for a in accounts]
    assert [h for h in hours if not OPENING_HOURS.match(h)] == []
    with_lunch_break = [h for h in hours if re.search(r"\d,\d", h)]
    assert len(with_lunch_break) / len(hours) >= 0.2
    assert "24/7" in hours


def test_value_is_concentrated_and_drives_tiers(accounts: list[dict[str, str]]) -> None:
    values = sorted((int(a["Annual Value"]) for a in accounts), reverse=True)
    assert all(2_000 <= v <= 500_000 and v % 100 == 0 for v in values)
    assert sum(values[: len(values) // 5]) / sum(values) >= 0.60
    tiers = Counter(a["Tier"] for a in accounts)
    assert abs(tiers["A"] / len(accounts) - 0.10) < 0.02
    assert abs(tiers["B"] / len(accounts) - 0.25) < 0.03
    lowest_a = min(int(a["Annual Value"]) for a in accounts if a["Tier"] == "A")
    assert all(int(a["Annual Value"]) <= lowest_a for a in accounts if a["Tier"] != "A")
    cadence = {
        t: [int(a["Visit Cadence (days)"]) for a in accounts if a["Tier"] == t] for t in "ABC"
    }
    assert max(cadence["A"]) < min(cadence["C"])
    assert Counter(cadence["A"]).most_common(2)[0][0] in (14, 21)
    assert all(20 <= int(a["Service Minutes"]) <= 90 for a in accounts)


def test_reps_live_inside_the_region(
    accounts: list[dict[str, str]], reps: list[dict[str, str]], zips: dict[str, dict[str, object]]
) -> None:
    assert len(reps) == 10
    points = [centroid(zips, a["Billing Zip/Postal Code"]) for a in accounts]
    for rep in reps:
        assert is_real_place(zips, rep["home_city"], rep["home_region"], rep["home_postcode"])
        lat, lon = centroid(zips, rep["home_postcode"])
        assert min(p[0] for p in points) <= lat <= max(p[0] for p in points)
        assert min(p[1] for p in points) <= lon <= max(p[1] for p in points)
        assert rep["working_days"] in ("Mo-Fr", "Mo-Th")
        assert rep["shift_start"] < rep["lunch_start"] < rep["lunch_end"] < rep["shift_end"]
        assert 30 <= int(rep["lunch_minutes"]) <= 45
        assert 0.45 <= float(rep["cost_per_km"]) <= 0.70
        assert 35 <= float(rep["cost_per_hour"]) <= 60
        assert 6 <= int(rep["max_visits_per_day"]) <= 10
    assert len({r["home_postcode"] for r in reps}) == 10


def test_every_rep_and_manager_has_a_user(reps: list[dict[str, str]]) -> None:
    users = {u["email"]: u for u in read("users.csv")}
    teams = read("teams.csv")
    assert len(teams) == 2
    assert {r["team"] for r in reps} == {t["name"] for t in teams}
    for rep in reps:
        user = users[rep["email"]]
        assert (user["role"], user["rep_email"]) == ("rep", rep["email"])
    for team in teams:
        manager = users[team["manager_email"]]
        assert manager["role"] == "manager"
        assert team["name"] in manager["teams"].split("|")
    assert Counter(u["role"] for u in users.values()) == {"admin": 1, "manager": 2, "rep": 10}


def load_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("demo_build", BUILD)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generator_reproduces_the_committed_files(tmp_path: Path) -> None:
    stats = load_build().generate("chicagoland", tmp_path)
    assert any("top 20% of accounts hold" in line for line in stats)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes(), name

"""How fast `GET /api/v1/accounts` answers a full page from a realistic table.

Builds a fresh SQLite database (or empties the PostgreSQL one named by `--database-url`) with
10,000 accounts written through the models (names, addresses, tiers, values, cadences, visit
dates, opening hours, a few not placed), then times `GET /api/v1/accounts?limit=1000` through
the real app and TestClient: plain, with a text search, overdue only, and sorted by -value.
Prints the median and 90th percentile of `--runs` timed calls each (after one warm-up) against
the 100 ms target, and the ratio to a floor measured in the same run: the same 1,000 rows read
with one plain SQL query on the same engine and serialised with `json.dumps` (no HTTP, no
authentication, no validation). The app freezes its start-up objects out of the garbage
collector (`gc.freeze()` in the lifespan): without that, full collections walking ~150,000
import-time objects added 60-90 ms to one call in ten. Nothing is asserted; run:
`python -m bench.list_accounts`.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

if __package__ in (None, ""):  # `python bench/list_accounts.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.auth.tokens import issue_token
from app.core import clock
from app.core.config import Role, Settings
from app.core.db import make_session_factory
from app.main import create_app
from app.models import Account, Base, Rep, Team, Territory, User

TARGET_MS = 100.0
TOKEN = "bench-admin-token-0123456789"
CITIES = [
    ("Chicago", "606", "IL", 41.88, -87.63),
    ("Evanston", "602", "IL", 42.05, -87.69),
    ("Milwaukee", "532", "WI", 43.04, -87.91),
    ("Madison", "537", "WI", 43.07, -89.40),
    ("Rockford", "611", "IL", 42.27, -89.09),
]
WORDS = [
    "Acme",
    "Bolt",
    "Cedar",
    "Delta",
    "Summit",
    "Harbor",
    "Maple",
    "Pioneer",
    "Quartz",
    "Ridge",
    "Sterling",
    "Union",
]
KINDS = [
    "Hardware",
    "Dental",
    "Bakery",
    "Pharmacy",
    "Garage",
    "Clinic",
    "Florist",
    "Optics",
    "Market",
    "Supply",
]
QUERIES = {
    "plain": {},
    "q=harbor": {"q": "harbor"},
    "overdue=true": {"overdue": "true"},
    "sort=-value": {"sort": "-value"},
}


def seed(session: Session, accounts: int, rng: random.Random) -> None:
    """One team, ten reps with a territory each, `accounts` accounts, an admin with TOKEN."""
    team = Team(name="Bench")
    reps = [Rep(name=f"Rep {i}", email=f"rep{i}@bench.example", team=team) for i in range(10)]
    territories = [Territory(name=f"T{i}", team=team, rep=rep) for i, rep in enumerate(reps)]
    session.add_all(territories)
    session.flush()
    today = clock.today(ZoneInfo("UTC"))
    rows = []
    for i in range(accounts):
        city, zip3, region, lat, lon = rng.choice(CITIES)
        placed = rng.random() > 0.03
        rows.append(
            Account(
                external_id=f"crm-{i:06d}",
                name=f"{rng.choice(WORDS)} {rng.choice(KINDS)} {i}",
                street=f"{rng.randint(1, 999)} {rng.choice(WORDS)} St",
                city=city,
                postcode=f"{zip3}{rng.randint(0, 99):02d}",
                region=region,
                country="US",
                latitude=lat + rng.uniform(-0.2, 0.2) if placed else None,
                longitude=lon + rng.uniform(-0.2, 0.2) if placed else None,
                geocode_precision=rng.choice(["address", "street", "postcode"]) if placed else None,
                geocode_note=None if placed else "address not found by the geocoders",
                value=round(rng.lognormvariate(8, 1), 2),
                tier=rng.choice("AABBBCCCC"),
                cadence_days=rng.choice([7, 14, 28, 56, None]),
                opening_hours={"mo": ["08:00-12:00", "13:00-17:00"], "tu": ["08:00-17:00"]},
                notes="Ask for the buyer." if i % 7 == 0 else None,
                team_id=team.id,
                territory_id=territories[i % 10].id,
                last_visit_date=today - timedelta(days=rng.randint(0, 90))
                if rng.random() > 0.1
                else None,
            )
        )
    session.add_all(rows)
    admin = User(email="admin@bench.example", name="Admin", role=Role.ADMIN)
    session.add(admin)
    session.flush()
    issue_token(session, admin, name="bench", token=TOKEN)


def time_ms(client: TestClient, params: dict[str, str], runs: int) -> tuple[float, float, int]:
    """Median and 90th percentile in ms of `runs` calls (after one warm-up); items returned."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    query = {"limit": "1000", **params}
    warm = client.get("/api/v1/accounts", params=query, headers=headers)
    warm.raise_for_status()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get("/api/v1/accounts", params=query, headers=headers)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.text
    p90 = statistics.quantiles(samples, n=10)[-1]
    return statistics.median(samples), p90, len(warm.json()["items"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database-url", help="a PostgreSQL URL to use (it is emptied!)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        settings = Settings(database_url=url, data_dir=Path(tmp), solver_workers=1)
        app = create_app(settings)
        with TestClient(app) as client:
            factory = make_session_factory(app.state.engine)
            with factory() as session:
                if args.database_url:
                    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
                    session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
                started = time.perf_counter()
                seed(session, args.accounts, random.Random(7))
                session.commit()
                seeded_s = time.perf_counter() - started
            backend = app.state.engine.dialect.name
            print(f"{args.accounts} accounts on {backend}, seeded in {seeded_s:.1f} s")
            floor = floor_ms(app.state.engine, args.runs)
            print(f"floor (one SQL query + json.dumps of 1,000 rows): {floor:.1f} ms median")
            report(client, args.runs, floor)


def floor_ms(engine: Engine, runs: int) -> float:
    """The least a page of 1,000 accounts can cost: query and serialise, nothing else."""
    samples = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT * FROM account ORDER BY name, id LIMIT 1000")
            ).mappings()
            json.dumps([dict(row) for row in rows], default=str)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples[1:])


def report(client: TestClient, runs: int, floor: float) -> None:
    print(f"\n{'GET /api/v1/accounts?limit=1000&':<34}{'median':>9}{'p90':>9}{'items':>7}  x floor")
    for label, params in QUERIES.items():
        median, p90, items = time_ms(client, params, runs)
        verdict = "ok" if median < TARGET_MS else f"over {TARGET_MS:.0f} ms"
        print(
            f"{label:<34}{median:>7.1f}ms{p90:>7.1f}ms{items:>7}  {median / floor:5.1f}  {verdict}"
        )


if __name__ == "__main__":
    main()

"""CRM import throughput: a 10,000-row Salesforce-style export, parsed, upserted and geocoded
offline into a fresh database, the same way `POST /api/v1/imports/accounts` does it.

Measured in one run, each on a new database:
- floor: the same rows parsed by the stdlib `csv` module and bulk-inserted with SQLAlchemy Core
  (no validation, no geocoding, no upsert): the least any import could cost here;
- cold: Fieldroute's import with an empty geocode cache (every address geocoded);
- again: the same file imported a second time (every row compared, nothing written);
- warm: a new database whose geocode cache already holds every address.
Ratios are against the floor. Targets: cold import + geocode of 10,000 rows < 20 s.
Run: `python -m bench.import_accounts [--rows 10000] [--postgres URL]`.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, insert, text

from app.auth.principal import Principal
from app.core.config import Role, Settings
from app.core.db import make_engine, make_session_factory
from app.core.migrate import upgrade
from app.geocoding.us_zip import zip_table
from app.imports.parsing import read_accounts_csv
from app.imports.service import import_rows
from app.models import Account, GeocodeCacheEntry

HEADER = [
    "Account ID", "Account Name", "Billing Street", "Billing City", "Billing State/Province",
    "Billing Zip/Postal Code", "Billing Country", "Phone", "Annual Value", "Tier",
    "Visit Cadence (days)", "Service Minutes", "Opening Hours",
]  # fmt: skip
HOURS = ["Mo-Fr 08:00-12:00,13:00-17:00", "Mo-Sa 07:00-19:00", "Tu-Sa 11:00-14:00,17:00-22:00"]


def make_csv(rows: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    zips = sorted(zip_table().values())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for i in range(rows):
        z = rng.choice(zips)
        writer.writerow([
            f"001{i:015d}", f"Account {i}", f"{rng.randint(1, 9999)} Main St", z.city.title(),
            z.state, z.zip_code, "USA", "(312) 555-0100", f"{rng.paretovariate(1.2) * 1000:.0f}",
            rng.choice("ABC"), rng.choice([14, 28, 56]), 30, rng.choice(HOURS),
        ])  # fmt: skip
    return out.getvalue().encode()


def fresh(url: str | None, folder: Path, name: str) -> Engine:
    engine = make_engine(url or f"sqlite:///{folder / name}.db")
    if url:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(engine)
    return engine


def floor(engine: Engine, data: bytes) -> float:
    started = time.perf_counter()
    reader = csv.DictReader(io.StringIO(data.decode()))
    rows = [
        {"external_id": r["Account ID"], "name": r["Account Name"], "street": r["Billing Street"],
         "city": r["Billing City"], "postcode": r["Billing Zip/Postal Code"],
         "value": float(r["Annual Value"]), "service_minutes": 30, "pin_manual": False,
         "locked": False, "active": True}
        for r in reader
    ]  # fmt: skip
    with engine.begin() as connection:
        connection.execute(insert(Account), rows)
    return time.perf_counter() - started


def fieldroute(engine: Engine, settings: Settings, data: bytes) -> tuple[float, str]:
    admin = Principal(user_id=0, name="bench", role=Role.ADMIN)
    started = time.perf_counter()
    parsed = read_accounts_csv(data)
    with make_session_factory(engine)() as session:
        outcome = import_rows(session, settings, parsed, admin, team_id=None)
        session.commit()
    elapsed = time.perf_counter() - started
    summary = (
        f"created {outcome.created}, updated {outcome.updated}, unchanged {outcome.unchanged}, "
        f"not placed {outcome.not_placed}, rejected {len(parsed.errors) + len(outcome.errors)}"
    )
    return elapsed, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--postgres", help="also measure on this PostgreSQL URL (it is wiped)")
    args = parser.parse_args()
    data = make_csv(args.rows)
    zip_table()  # built once per process; its cost is reported by bench.geocode
    backends: list[str | None] = [None] + ([args.postgres] if args.postgres else [])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for url in backends:
            settings = Settings(data_dir=folder, database_url=url)
            label = "postgresql" if url else "sqlite"
            print(f"\n{label}: {args.rows:,} rows, {len(data) / 1e6:.1f} MB")
            base = floor(fresh(settings.sqlalchemy_url if url else None, folder, "floor"), data)
            print(f"  floor (csv + Core bulk insert)   {base:6.2f} s")
            engine = fresh(settings.sqlalchemy_url if url else None, folder, "cold")
            cold, summary = fieldroute(engine, settings, data)
            print(
                f"  cold import + geocode            {cold:6.2f} s  x{cold / base:5.1f}  ({summary})"
            )
            again, summary = fieldroute(engine, settings, data)
            print(
                f"  same file again                  {again:6.2f} s  x{again / base:5.1f}  ({summary})"
            )
            with engine.connect() as connection:
                cache = [
                    dict(row._mapping)
                    for row in connection.execute(GeocodeCacheEntry.__table__.select())
                ]
            warm_engine = fresh(settings.sqlalchemy_url if url else None, folder, "warm")
            with warm_engine.begin() as connection:
                connection.execute(insert(GeocodeCacheEntry), cache)
            warm, summary = fieldroute(warm_engine, settings, data)
            print(
                f"  warm cache, new database         {warm:6.2f} s  x{warm / base:5.1f}  ({summary})"
            )
            for used in {engine, warm_engine}:
                used.dispose()


if __name__ == "__main__":
    main()

"""A small company in Baltimore, inside the road data of `data/roads/baltimore.osm.pbf`: one
team, one rep living downtown, a manager, and accounts on streets around the harbour. The seeds
in `tests/seed.py` are in Chicago, where the tests have no roads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from app.auth.tokens import issue_token
from app.core.config import Role, Settings
from app.models import Account, Rep, Team, Territory, User
from tests.moments import NOW

HOME = (39.2915, -76.6020)
"""Downtown Baltimore, east of City Hall (the extract's roads begin at lon -76.614)."""
PLACES = (
    (39.2960, -76.6080),
    (39.3010, -76.6000),
    (39.3060, -76.5950),
    (39.2985, -76.5850),
    (39.2905, -76.5760),
    (39.2850, -76.5650),
    (39.2830, -76.5930),
    (39.3040, -76.5780),
)
"""Account locations on the street grid, each within 20 m of a road."""
ZONE = "America/New_York"


@dataclass
class Baltimore:
    team_id: int
    rep_id: int
    tokens: dict[str, str] = field(default_factory=dict)
    account_ids: list[int] = field(default_factory=list)

    def headers(self, who: str = "rep") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


def road_settings(settings: Settings, data_dir: Path) -> Settings:
    """`settings` with embedded OSRM on the Baltimore build in `data_dir`."""
    return settings.model_copy(update={"data_dir": data_dir, "roads_region": "baltimore"})


def next_monday() -> date:
    today = NOW.date()
    return today + timedelta(days=7 - today.weekday())


def seed_baltimore(session: Session, places: tuple[tuple[float, float], ...] = PLACES) -> Baltimore:
    team = Team(name="Baltimore")
    session.add(team)
    session.flush()
    rep = Rep(
        name="Harbor Rep <b>&amp;",
        email="harbor@example.com",
        team_id=team.id,
        home_latitude=HOME[0],
        home_longitude=HOME[1],
        home_precision="rooftop",
        time_zone=ZONE,
    )
    session.add(rep)
    session.flush()
    territory = Territory(name="Harbor", team_id=team.id, rep_id=rep.id)
    session.add(territory)
    session.flush()
    world = Baltimore(team_id=team.id, rep_id=rep.id)
    for number, (lat, lon) in enumerate(places, start=1):
        account = Account(
            external_id=f"bmore-{number}",
            name=f"Harbor Account {number}",
            city="Baltimore",
            region="MD",
            country="US",
            latitude=lat,
            longitude=lon,
            geocode_precision="rooftop",
            value=5000.0,
            cadence_days=14,
            service_minutes=20,
            team_id=team.id,
            territory_id=territory.id,
        )
        session.add(account)
        session.flush()
        world.account_ids.append(account.id)
    users = {
        "rep": User(email="harbor-user@example.com", name=rep.name, role=Role.REP, rep=rep),
        "manager": User(
            email="harbor-manager@example.com",
            name="Harbor Manager",
            role=Role.MANAGER,
            teams=[team],
        ),
        "admin": User(email="harbor-admin@example.com", name="Admin", role=Role.ADMIN),
    }
    session.add_all(users.values())
    session.flush()
    for key, user in users.items():
        world.tokens[key] = issue_token(
            session, user, name="tests", token=f"test-harbor-{key}-token-0123456789"
        )
    return world

"""A small company for tests: teams North and South, two field reps each, territories, accounts,
an inside rep per team supporting its first field rep, and a user with a known token for every
role."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.auth.tokens import issue_token
from app.core.config import Role
from app.models import Account, Rep, Team, Territory, User, inside_support

TEST_TOKEN = "test-admin-token-0123456789"


@dataclass
class World:
    tokens: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)
    team_ids: dict[str, int] = field(default_factory=dict)
    rep_ids: dict[str, int] = field(default_factory=dict)
    territory_ids: dict[str, int] = field(default_factory=dict)
    account_ids: dict[str, int] = field(default_factory=dict)

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


def seed_world(session: Session) -> World:
    world = World()
    teams = {name: Team(name=name) for name in ("North", "South")}
    session.add_all(teams.values())
    session.flush()
    world.team_ids = {name: team.id for name, team in teams.items()}

    reps: dict[str, Rep] = {}
    for team_name, lat in (("North", 42.0), ("South", 41.5)):
        for number in (1, 2):
            key = f"rep_{team_name.lower()}_{number}"
            reps[key] = Rep(
                name=f"{team_name} Rep {number}",
                email=f"{key}@example.com",
                team=teams[team_name],
                home_latitude=lat,
                home_longitude=-87.7 - 0.1 * number,
                home_precision="postcode",
            )
    session.add_all(reps.values())
    session.flush()
    world.rep_ids = {key: rep.id for key, rep in reps.items()}

    territories = {
        key: Territory(name=f"T {key}", team_id=rep.team_id, rep_id=rep.id)
        for key, rep in reps.items()
    }
    session.add_all(territories.values())
    session.flush()
    world.territory_ids = {key: t.id for key, t in territories.items()}

    for key, rep in reps.items():
        for number in (1, 2, 3):
            account = Account(
                external_id=f"{key}-acc-{number}",
                name=f"{rep.name} Account {number}",
                city="Chicago",
                postcode="60601",
                region="IL",
                country="US",
                latitude=(rep.home_latitude or 0) + 0.01 * number,
                longitude=rep.home_longitude,
                geocode_precision="postcode",
                geocode_source="us-zip",
                value=1000.0 * number,
                tier="ABC"[number - 1],
                cadence_days=28,
                team_id=rep.team_id,
                territory_id=territories[key].id,
            )
            session.add(account)
            session.flush()
            world.account_ids[f"{key}-acc-{number}"] = account.id

    # Inside reps have no territory: they sell by phone for the field rep they support.
    inside = {
        f"inside_{team_name.lower()}": Rep(
            name=f"{team_name} Inside",
            email=f"inside_{team_name.lower()}@example.com",
            team=teams[team_name],
            kind="inside",
        )
        for team_name in ("North", "South")
    }
    session.add_all(inside.values())
    session.flush()
    for key, rep in inside.items():
        world.rep_ids[key] = rep.id
        supported = world.rep_ids[f"rep_{key.removeprefix('inside_')}_1"]
        session.execute(
            inside_support.insert().values(inside_rep_id=rep.id, field_rep_id=supported)
        )

    users = {
        "admin": User(email="admin@example.com", name="Admin", role=Role.ADMIN),
        "manager_north": User(
            email="north@example.com",
            name="North Manager",
            role=Role.MANAGER,
            teams=[teams["North"]],
        ),
        "manager_south": User(
            email="south@example.com",
            name="South Manager",
            role=Role.MANAGER,
            teams=[teams["South"]],
        ),
    }
    for key, rep in reps.items():
        users[key] = User(email=f"user-{rep.email}", name=rep.name, role=Role.REP, rep=rep)
    for key, rep in inside.items():
        users[key] = User(email=f"user-{rep.email}", name=rep.name, role=Role.INSIDE, rep=rep)
    session.add_all(users.values())
    session.flush()
    for key, user in users.items():
        token = TEST_TOKEN if key == "admin" else f"test-{key}-token-0123456789"
        world.tokens[key] = issue_token(session, user, name="tests", token=token)
        world.user_ids[key] = user.id
    return world

"""The demo companies (data/demo/<company>/): `make run` loads one into an empty database.

- `baltimore` (the default): Harborline Supply Co., 300 accounts and 5 reps at real addresses
  in central Baltimore, read from the OpenStreetMap extract its road data is built from; the
  offline geocoder places them from that same extract (address precision), and `make run`
  builds the road data when none is built, so plans run on roads out of the box.
- `chicagoland`: Lakeshore Supply Co., 1,720 accounts and 10 reps at real ZIPs with synthetic
  streets (postcode precision); no road data ships for it, so its plans use the estimate.

Accounts go through the same CSV import a customer's CRM export does. Each rep gets a starter
territory (the accounts of their team nearest to their home) and eight weeks of visit history,
so every page and filter has something real to show. Each team gets an inside rep supporting its
field reps, the lowest-value accounts are covered remotely and some of the most valuable are
called between visits, with eight weeks of calls, e-mails and video meetings (`/inside`). Demo users get tokens from a public recipe
(`fr_dev_<email name>`), marked development-only: they stop working outside development.
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.opening_hours import DAYS, parse_opening_hours
from app.auth.principal import Principal
from app.auth.tokens import hash_token, issue_token
from app.core import clock
from app.core.config import RoadEngineKind, Role, Settings
from app.imports.parsing import read_accounts_csv
from app.imports.service import import_rows
from app.models import Account, ApiToken, Rep, Team, Territory, User, Visit, inside_support
from app.placement.service import place_rep_home
from app.roads.build import (
    BuildError,
    Manifest,
    Progress,
    build_roads,
    current_manifest,
    region_of,
)
from routing import Point, great_circle_m

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEMO_DIR = DATA_DIR / "demo"
HISTORY_WEEKS = 8
SEED = 20261127
OUTCOMES = ("order placed", "follow-up agreed", "quote requested", "no decision", "relationship")
INSIDE_REPS = (("Jordan Ellis", "jordan.ellis"), ("Sam Okafor", "sam.okafor"))
"""The inside reps, one per team in name order, at the company's domain."""
REMOTE_SHARE = 0.1
"""The lowest-value accounts of each territory covered remotely."""
HYBRID_SHARE = 0.1
"""The next-lowest-value accounts of each territory, above the remote ones: they alternate
visits and remote touches (`coverage` hybrid: visited every other cadence, touched between)."""
REMOTE_CADENCE_DAYS = 21
HYBRID_CADENCE_DAYS = 14
TOUCH_CHANNELS = ("call", "call", "call", "email", "video")
TOUCH_OUTCOMES = ("Spoke to the buyer", "Order taken", "Follow-up needed", "Left a message")
NEXT_STEPS = ("Send the price list", "Call back next week", "Visit next month", None, None)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    role: str
    token: str


@dataclass(frozen=True)
class DemoCompany:
    """One demo company: its files, its reps' time zone and, where it has one, the OSM extract
    its addresses come from (the geocoder reads them from it; its roads are built from it)."""

    key: str
    name: str
    folder: Path
    time_zone: str
    admin_email: str
    extract: Path | None = None

    @property
    def region(self) -> str | None:
        """The road data region its extract builds (`baltimore`), if it has one."""
        return region_of(self.extract) if self.extract else None


COMPANIES = {
    company.key: company
    for company in (
        DemoCompany(
            "baltimore",
            "Harborline Supply Co. (Baltimore)",
            DEMO_DIR / "baltimore",
            "America/New_York",
            "admin@harborline.example.com",
            extract=DATA_DIR / "roads" / "baltimore.osm.pbf",
        ),
        DemoCompany(
            "chicagoland",
            "Lakeshore Supply Co. (Chicagoland)",
            DEMO_DIR / "chicagoland",
            "America/Chicago",
            "admin@lakeshore.example.com",
        ),
    )
}
DEFAULT_COMPANY = "baltimore"


def demo_token(email: str) -> str:
    return "fr_dev_" + email.split("@", 1)[0]


def is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(User)) and not session.scalar(
        select(func.count()).select_from(Account)
    )


def load_demo(
    session: Session,
    settings: Settings,
    *,
    company: str = DEFAULT_COMPANY,
    today: date | None = None,
) -> None:
    """Load the demo company `company` (a key of COMPANIES) into `session` (the caller
    commits). Nothing is downloaded: a company with an extract is geocoded from it (its address
    index is built once under `settings.data_dir`)."""
    demo = COMPANIES[company]
    today = today or clock.today(ZoneInfo(demo.time_zone))
    if demo.extract is not None:
        # The company's own addresses come from this extract, whatever the app is set to use.
        settings = settings.model_copy(update={"geocoder_osm_extract": demo.extract})
    teams = {row["name"]: Team(name=row["name"]) for row in _rows(demo, "teams.csv")}
    session.add_all(teams.values())
    session.flush()
    reps = [_rep(session, settings, demo, row, teams) for row in _rows(demo, "reps.csv")]
    session.flush()
    _users(session, demo, teams, reps)

    admin = Principal(user_id=0, name="demo loader", role=Role.ADMIN)
    parsed = read_accounts_csv((demo.folder / "accounts.csv").read_bytes())
    if parsed.errors:
        first = parsed.errors[0]
        raise RuntimeError(f"demo {company} accounts.csv row {first.row}: {first.message}")
    import_rows(session, settings, parsed, admin, team_id=None)
    territories = _starter_territories(session, reps)
    _history(session, reps, territories, today)
    session.flush()
    _inside_sales(session, demo, teams, reps, today)
    session.flush()


def demo_logins(session: Session) -> list[DemoLogin]:
    """The demo users whose recipe token still works (what `make run` prints)."""
    logins = []
    for user in session.scalars(select(User).order_by(User.role, User.email)):
        token = demo_token(user.email)
        known = session.scalar(
            select(ApiToken.id).where(
                ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None)
            )
        )
        if known is not None:
            logins.append(DemoLogin(user.email, user.name, user.role, token))
    return logins


def loaded_company(session: Session) -> DemoCompany | None:
    """The demo company this database holds (found by its admin), if any."""
    emails = {company.admin_email: company for company in COMPANIES.values()}
    found = session.scalars(select(User.email).where(User.email.in_(emails))).first()
    return emails[found] if found is not None else None


@dataclass(frozen=True)
class DemoRoads:
    """What `ensure_roads` found or did: `built` is set when it built the data now."""

    note: str
    built: Manifest | None = None


def ensure_roads(
    settings: Settings, company: DemoCompany, *, before_build: Progress | None = None
) -> DemoRoads:
    """Build the company's road data under `settings.data_dir` when the app would plan with the
    embedded engine and no road data is built yet; otherwise say what the plans will use.
    `before_build` hears one line before a build starts (it takes a few seconds)."""
    if company.extract is None or company.region is None:
        return DemoRoads(
            f"no road data ships for {company.name}: its plans use the straight-line estimate"
        )
    if settings.roads_engine is not RoadEngineKind.EMBEDDED:
        return DemoRoads(f"roads: the {settings.roads_engine.value} engine (not built here)")
    if settings.roads_region not in (None, company.region):
        found = current_manifest(settings.data_dir, settings.roads_region)
        state = "built" if found else "not built"
        return DemoRoads(
            f"roads: roads_region is {settings.roads_region!r} ({state}); the demo's "
            f"addresses are in {company.region!r}"
        )
    found = current_manifest(settings.data_dir, settings.roads_region)
    if found is not None:
        manifest = found[1]
        if manifest.region == company.region:
            return DemoRoads(f"roads: {_describe(manifest)}")
        return DemoRoads(
            f"roads: the app uses {manifest.region!r} (built last), not the demo's region; "
            f"set FIELDROUTE_ROADS_REGION={company.region} to plan the demo on roads"
        )
    if before_build is not None:
        before_build(
            f"building road data for {company.region} from {company.extract.name} "
            "(OpenStreetMap, ODbL) ..."
        )
    try:
        manifest = build_roads(company.extract, settings.data_dir, region=company.region)
    except BuildError as exc:
        # The demo still serves: its plans say they are estimates, and the error says why.
        return DemoRoads(f"roads: not built ({exc}); plans use the straight-line estimate")
    return DemoRoads(f"roads: {_describe(manifest)}", built=manifest)


def _describe(manifest: Manifest) -> str:
    return (
        f"{manifest.region} v{manifest.version} from {manifest.source} "
        f"({manifest.nodes:,} nodes, {manifest.edges:,} edges; built in {manifest.build_s:.1f} s)"
    )


def _rows(company: DemoCompany, name: str) -> list[dict[str, str]]:
    with (company.folder / name).open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _rep(
    session: Session,
    settings: Settings,
    company: DemoCompany,
    row: dict[str, str],
    teams: dict[str, Team],
) -> Rep:
    rep = Rep(
        name=row["name"],
        email=row["email"],
        team=teams[row["team"]],
        home_street=row["home_street"],
        home_city=row["home_city"],
        home_region=row["home_region"],
        home_postcode=row["home_postcode"],
        home_country=row["home_country"],
        working_days=list(parse_opening_hours(f"{row['working_days']} 00:00-24:00")),
        shift_start=_clock(row["shift_start"]),
        shift_end=_clock(row["shift_end"]),
        lunch_start=_clock(row["lunch_start"]),
        lunch_end=_clock(row["lunch_end"]),
        lunch_minutes=int(row["lunch_minutes"]),
        cost_per_km=float(row["cost_per_km"]),
        cost_per_hour=float(row["cost_per_hour"]),
        max_visits_per_day=int(row["max_visits_per_day"]),
        time_zone=company.time_zone,
    )
    session.add(rep)
    if place_rep_home(session, settings, rep) is None:
        raise RuntimeError(f"demo {company.key} reps.csv: cannot place the home of {rep.name}")
    return rep


def _users(session: Session, company: DemoCompany, teams: dict[str, Team], reps: list[Rep]) -> None:
    by_email = {rep.email: rep for rep in reps}
    for row in _rows(company, "users.csv"):
        user = User(email=row["email"], name=row["name"], role=Role(row["role"]))
        if row["rep_email"]:
            user.rep = by_email[row["rep_email"]]
        if row["teams"]:
            user.teams = [teams[name] for name in row["teams"].split("|")]
        session.add(user)
        session.flush()
        issue_token(session, user, name="demo", token=demo_token(user.email), development_only=True)


def _starter_territories(session: Session, reps: list[Rep]) -> dict[int, Territory]:
    """One territory per rep: each placed account goes to the nearest rep of its team."""
    territories = {}
    for rep in reps:
        territory = Territory(name=f"{rep.name} (starter)", team_id=rep.team_id, rep_id=rep.id)
        session.add(territory)
        territories[rep.id] = territory
    session.flush()
    accounts = session.scalars(select(Account).where(Account.latitude.is_not(None))).all()
    for account in accounts:
        candidates = [rep for rep in reps if rep.team_id == account.team_id] or reps
        nearest = min(candidates, key=lambda rep: _km(rep, account))
        account.territory_id = territories[nearest.id].id
    return territories


def _km(rep: Rep, account: Account) -> float:
    if rep.home_latitude is None or rep.home_longitude is None:
        return math.inf
    if account.latitude is None or account.longitude is None:
        return math.inf
    home = Point(rep.home_latitude, rep.home_longitude)
    return great_circle_m(home, Point(account.latitude, account.longitude)) / 1000


def _history(
    session: Session, reps: list[Rep], territories: dict[int, Territory], today: date
) -> None:
    """Visits over the last eight weeks, roughly at each account's cadence, on working days."""
    rng = random.Random(SEED)  # noqa: S311 (a repeatable demo, not a secret)
    rep_of_territory = {t.id: rep for rep in reps for t in [territories[rep.id]]}
    start = today - timedelta(weeks=HISTORY_WEEKS)
    accounts = session.scalars(
        select(Account).where(Account.territory_id.is_not(None)).order_by(Account.id)
    ).all()
    for account in accounts:
        rep = rep_of_territory[account.territory_id or 0]
        cadence = account.cadence_days or 56
        # Reps keep up with about four accounts in five; the rest fall behind.
        slack = 1.0 if rng.random() < 0.8 else 1.6
        day = start + timedelta(days=rng.randrange(cadence))
        last_done = None
        while day < today:
            visit_day = _working_day(day, rep.working_days)
            if visit_day >= today:
                break
            status = rng.choices(("done", "skipped", "cancelled"), weights=(90, 6, 4))[0]
            begin = datetime.combine(visit_day, rep.shift_start) + timedelta(
                minutes=rng.randrange(0, 360, 15)
            )
            visit = Visit(
                rep_id=rep.id,
                account_id=account.id,
                visit_date=visit_day,
                status=status,
            )
            if status == "done":
                visit.outcome = rng.choice(OUTCOMES)
                last_done = visit_day
                visit.started_at = begin.astimezone()
                visit.ended_at = (begin + timedelta(minutes=account.service_minutes)).astimezone()
            session.add(visit)
            day = visit_day + timedelta(days=round(cadence * slack * rng.uniform(0.85, 1.15)))
        account.last_visit_date = last_done


def _inside_sales(
    session: Session, company: DemoCompany, teams: dict[str, Team], reps: list[Rep], today: date
) -> None:
    """An inside rep per team supporting its field reps; per territory, the lowest-value
    accounts covered remotely and the most valuable called between visits, with eight weeks
    of touches by the team's inside rep."""
    rng = random.Random(SEED + 16)  # noqa: S311 (a repeatable demo, not a secret)
    domain = company.admin_email.split("@", 1)[1]
    inside_of_team: dict[int, Rep] = {}
    # Both demo companies have two teams; a third would go without an inside rep.
    ordered = sorted(teams.values(), key=lambda t: t.name)
    for (name, local), team in zip(INSIDE_REPS, ordered, strict=False):
        inside = Rep(name=name, email=f"{local}@{domain}", team=team, kind="inside",
                     time_zone=company.time_zone)  # fmt: skip
        user = User(email=inside.email, name=name, role=Role.INSIDE, rep=inside)
        session.add_all([inside, user])
        session.flush()
        issue_token(session, user, name="demo", token=demo_token(user.email), development_only=True)
        inside_of_team[team.id] = inside
        for rep in reps:
            if rep.team_id == team.id:
                session.execute(
                    inside_support.insert().values(inside_rep_id=inside.id, field_rep_id=rep.id)
                )
    for rep in reps:
        supporting = inside_of_team.get(rep.team_id or 0)
        if supporting is None:
            continue
        own = select(Territory.id).where(Territory.rep_id == rep.id).scalar_subquery()
        accounts = session.scalars(
            select(Account).where(Account.territory_id.in_(own)).order_by(Account.value, Account.id)
        ).all()
        count = round(len(accounts) * REMOTE_SHARE)
        remote = accounts[:count]
        hybrid = accounts[count : count + round(len(accounts) * HYBRID_SHARE)]
        for account, coverage, cadence in [
            *((a, "remote", REMOTE_CADENCE_DAYS) for a in remote),
            *((a, "hybrid", HYBRID_CADENCE_DAYS) for a in hybrid),
        ]:
            account.coverage, account.touch_cadence_days = coverage, cadence
            _touches(session, rng, supporting, account, cadence, today)


def _touches(
    session: Session, rng: random.Random, inside: Rep, account: Account, cadence: int, today: date
) -> None:
    """Touches over the last eight weeks, about every `cadence` days; some fall behind."""
    slack = 1.0 if rng.random() < 0.7 else 1.8
    day = today - timedelta(weeks=HISTORY_WEEKS) + timedelta(days=rng.randrange(cadence))
    last = None
    while day < today:
        touched = _working_day(day, ["mo", "tu", "we", "th", "fr"])
        if touched >= today:
            break
        session.add(
            Visit(
                rep_id=inside.id,
                account_id=account.id,
                visit_date=touched,
                status="done",
                channel=rng.choice(TOUCH_CHANNELS),
                outcome=rng.choice(TOUCH_OUTCOMES),
                next_step=rng.choice(NEXT_STEPS),
            )
        )
        last = touched
        day = touched + timedelta(days=round(cadence * slack * rng.uniform(0.85, 1.15)))
    account.last_touch_date = last


def _working_day(day: date, working_days: list[str]) -> date:
    for offset in range(7):
        candidate = day + timedelta(days=offset)
        if DAYS[candidate.weekday()] in working_days:
            return candidate
    return day

"""Settings, read from `FIELDROUTE_*` environment variables (pydantic-settings)."""

from __future__ import annotations

import os
from datetime import time
from enum import StrEnum
from pathlib import Path
from typing import Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from routing.days.value import ValueWeights
from routing.route.matrix import DEFAULT_CIRCUITY, DEFAULT_SPEED_KMH


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class RoadEngineKind(StrEnum):
    """Where road travel times come from."""

    EMBEDDED = "embedded"
    """OSRM in the app, on data `python -m app.cli roads build` made; the estimate if none."""
    OSRM = "osrm"
    VALHALLA = "valhalla"
    GRAPHHOPPER = "graphhopper"
    """The three remote engines, at `roads_url`."""
    ESTIMATE = "estimate"
    """Never roads: the straight-line estimate."""


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    REP = "rep"
    INSIDE = "inside"
    """An inside rep: works the queue of the field reps they support (`/inside`)."""


_VALUE_DEFAULTS = ValueWeights()

OSM_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)


def _default_database_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'fieldroute.db'}"


class Settings(BaseSettings):
    """Everything configurable, from `FIELDROUTE_*` variables (and `DATABASE_URL`)."""

    model_config = SettingsConfigDict(env_prefix="FIELDROUTE_", extra="ignore")

    environment: Environment = Field(
        default=Environment.PRODUCTION,
        description="production unless told: development accepts the demo's guessable tokens "
        "and sends the session cookie without Secure (`make run` sets development)",
    )
    data_dir: Path = Field(
        default=Path("var"), description="where the SQLite file and geocoder indexes live"
    )
    # The mypy plugin cannot see through AliasChoices; both names are read from the environment.
    database_url: str | None = Field(  # type: ignore[pydantic-alias]
        default=None,
        validation_alias=AliasChoices("FIELDROUTE_DATABASE_URL", "DATABASE_URL"),
        description="SQLAlchemy URL; a SQLite file under data_dir when unset",
    )
    session_cookie_secure: bool | None = Field(
        default=None, description="Secure flag on the session cookie; on outside development"
    )

    geocoder_osm_extract: Path | None = Field(
        default=None, description="an OSM extract (.osm.pbf) to build the offline address index"
    )
    geocoder_online: str | None = Field(
        default=None, description="a geopy service tried after the offline chain: nominatim, ..."
    )
    geocoder_user_agent: str = "fieldroute/0.1 (set FIELDROUTE_GEOCODER_USER_AGENT)"
    geocoder_api_key: SecretStr | None = None
    geocoder_domain: str | None = None
    geocoder_timeout_s: float = Field(default=5.0, gt=0)
    geocoder_min_delay_s: float = Field(default=1.0, ge=0)

    broker_url: str | None = Field(
        default=None,
        description="Celery broker (e.g. redis://127.0.0.1:6379/0): long jobs go to workers "
        "(`make worker`), which need PostgreSQL; unset, they run in the web process",
    )
    job_visibility_timeout_s: float = Field(
        default=4 * 3600.0,
        ge=2,
        description="a job's message not acknowledged within this long (its worker died) is "
        "handed to another worker; longer than the longest job",
    )
    job_max_retries: int = Field(
        default=5, ge=0, le=20, description="retries of a job the database failed (backoff)"
    )
    job_lost_after_s: float = Field(
        default=600.0,
        ge=10,
        description="a job queued for the workers this long whose message the broker no longer "
        "holds is sent again (the sweep runs on beat every half of it, or `app.cli sweep-jobs`)",
    )

    nightly_plan_time: time = Field(
        default=time(2, 0),
        description="local time on each rep's clock after which the nightly plan plans their "
        "day and the rest of their week (and the next week on their last working day)",
    )
    nightly_tick_s: float = Field(
        default=900.0,
        ge=10,
        description="how often Celery beat looks for reps whose nightly plan is due",
    )

    max_import_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    max_import_rows: int = Field(default=100_000, ge=1)
    max_page_size: int = Field(default=1000, ge=1)

    max_time_limit_s: float = Field(default=60.0, gt=0)
    max_stops: int = Field(default=1000, ge=0)
    max_vehicles: int = Field(default=100, ge=1)
    max_body_bytes: int = Field(default=50 * 1024 * 1024, ge=1024)
    max_time_limit_manager_s: float = Field(
        default=30.0, gt=0, description="a manager's cap on a solve's time limit"
    )
    max_time_limit_rep_s: float = Field(
        default=10.0, gt=0, description="a rep's cap on a solve's time limit (admins: the max)"
    )
    max_concurrent_solves: int = Field(
        default=2, ge=1, description="solves running at once (one solver process each)"
    )
    max_running_solves_per_user: int = Field(
        default=1, ge=1, description="solves one user may have running at once (others wait)"
    )
    max_solves_per_user: int = Field(
        default=2, ge=1, description="solves one user may have running or waiting (then 429)"
    )
    max_waiting_solves: int = Field(
        default=8, ge=0, description="solves waiting for a slot, server-wide (then 503)"
    )
    solver_nice: int = Field(
        default=10, ge=0, le=19, description="niceness of solver processes (the web runs at 0)"
    )
    sign_in_failures: int = Field(
        default=10,
        ge=1,
        description="failed sign-ins (the /login form, refused API tokens) allowed per client "
        "and per token prefix within sign_in_window_s; then 429 until the window frees one",
    )
    sign_in_window_s: float = Field(default=60.0, gt=0)
    sign_in_account_failures: int = Field(
        default=5,
        ge=1,
        description="wrong passwords allowed for one e-mail address within sign_in_lockout_s; "
        "then its password sign-in is locked until the oldest of them is that old",
    )
    sign_in_lockout_s: float = Field(default=900.0, gt=0)
    sign_in_link_minutes: int = Field(
        default=15, ge=1, le=1440, description="how long a one-time sign-in link works"
    )
    solver_workers: int = Field(
        default_factory=lambda: min(2, os.cpu_count() or 1),
        ge=1,
        description="parallel search processes per solve (differently seeded; the best wins)",
    )

    map_tiles_url: str = Field(
        default=OSM_TILES_URL,
        description="Leaflet tile URL template for the maps; empty for no tiles (offline)",
    )
    map_tiles_attribution: str = Field(
        default=OSM_ATTRIBUTION, description="the tiles' attribution line (HTML)"
    )

    default_speed_kmh: float = Field(default=DEFAULT_SPEED_KMH, gt=0)
    default_circuity: float = Field(default=DEFAULT_CIRCUITY, ge=1.0)

    roads_engine: RoadEngineKind = Field(
        default=RoadEngineKind.EMBEDDED,
        description="embedded (OSRM on data under data_dir/roads), osrm, valhalla, graphhopper "
        "(a server at roads_url) or estimate",
    )
    roads_region: str | None = Field(
        default=None,
        description="embedded: the built region to use (default: the one built last)",
    )
    roads_url: str | None = Field(
        default=None, description="the remote engine's base URL, e.g. http://osrm:5000"
    )
    roads_api_key: SecretStr | None = Field(default=None, description="GraphHopper's key")
    roads_profile: str = Field(
        default="car", description="the remote engine's profile (OSRM, GraphHopper) or costing"
    )
    roads_snap_m: float = Field(
        default=1000.0,
        gt=0,
        description="a place farther than this from any road cannot be driven to (unreachable)",
    )
    roads_timeout_s: float = Field(default=10.0, gt=0, description="per remote engine call")
    roads_retries: int = Field(
        default=2, ge=0, le=5, description="retries of a remote call that failed to connect"
    )
    roads_max_concurrent: int = Field(
        default=4, ge=1, description="remote engine calls at once, per process"
    )
    roads_table_size: int = Field(
        default=100,
        ge=2,
        description="most places per remote table request (OSRM's --max-table-size default)",
    )

    default_time_zone: str = Field(
        default="UTC",
        description="IANA time zone of reps without one of their own: their today, shift, appointments",
    )
    plan_day_time_limit_s: float = Field(default=2.0, gt=0, description="search time of a day plan")
    plan_week_time_limit_s: float = Field(
        default=10.0, gt=0, description="search time of a week plan (one solve, all days)"
    )
    plan_batch_processes: int = Field(
        default_factory=lambda: os.cpu_count() or 1,
        ge=1,
        description="reps planned at once by a batch (one process each)",
    )

    # The value model (routing/days/value.py; the README explains the formula).
    value_share: float = Field(
        default=_VALUE_DEFAULTS.value_share,
        ge=0,
        description="the part of one visit interval's account value a visit earns",
    )
    value_too_recent: float = Field(
        default=_VALUE_DEFAULTS.too_recent,
        ge=0,
        description="share of the cadence before which a visit is worth nothing",
    )
    value_exponent: float = Field(default=_VALUE_DEFAULTS.exponent, ge=0)
    value_cap: float = Field(default=_VALUE_DEFAULTS.cap, ge=1)
    value_default_cadence_days: int = Field(default=_VALUE_DEFAULTS.default_cadence_days, ge=1)
    value_touch_share: float = Field(
        default=_VALUE_DEFAULTS.touch_share,
        ge=0,
        le=1,
        description="the share of a visit a call, e-mail or video meeting counts for: it moves "
        "the last visit forward by this share of the gap (README: why 0.3)",
    )

    @property
    def value_weights(self) -> ValueWeights:
        return ValueWeights(
            value_share=self.value_share,
            too_recent=self.value_too_recent,
            exponent=self.value_exponent,
            cap=self.value_cap,
            default_cadence_days=self.value_default_cadence_days,
            touch_share=self.value_touch_share,
        )

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL, with the psycopg 3 driver named for PostgreSQL."""
        url = self.database_url or _default_database_url(self.data_dir)
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url.removeprefix(prefix)
        return url

    @property
    def company_zone(self) -> ZoneInfo:
        """The company's time zone: its "today" for accounts, and reps without a zone."""
        return ZoneInfo(self.default_time_zone)

    @property
    def is_development(self) -> bool:
        return self.environment is Environment.DEVELOPMENT

    @property
    def cookie_secure(self) -> bool:
        if self.session_cookie_secure is not None:
            return self.session_cookie_secure
        return not self.is_development

    @field_validator("default_time_zone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {name!r}") from exc
        return name

    @model_validator(mode="after")
    def _check_roads(self) -> Self:
        remote = self.roads_engine not in (RoadEngineKind.EMBEDDED, RoadEngineKind.ESTIMATE)
        if remote and not self.roads_url:
            raise ValueError(
                f"roads_url: the {self.roads_engine.value} engine needs its URL "
                "(FIELDROUTE_ROADS_URL)"
            )
        return self

    @model_validator(mode="after")
    def _check_workers_database(self) -> Self:
        if self.broker_url and self.sqlalchemy_url.startswith("sqlite"):
            raise ValueError(
                "broker_url: job workers need PostgreSQL (SQLite has one writer, on one "
                "machine): set FIELDROUTE_DATABASE_URL to a PostgreSQL database, or unset "
                "FIELDROUTE_BROKER_URL to run jobs in the web process"
            )
        return self

    @model_validator(mode="after")
    def _check_online_geocoder(self) -> Self:
        if (
            self.geocoder_online
            and "set FIELDROUTE_GEOCODER_USER_AGENT" in self.geocoder_user_agent
        ):
            raise ValueError(
                "geocoder_user_agent: online geocoders need a real user agent naming your "
                "service and a contact (FIELDROUTE_GEOCODER_USER_AGENT)"
            )
        return self

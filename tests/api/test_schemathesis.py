"""The whole API against its own OpenAPI document (Schemathesis): every operation under /api/v1,
as an admin, a rep and an inside rep, on SQLite and on PostgreSQL when one is configured (CI).

Every check runs except the ones below, each left out for a stated reason:
- `positive_data_acceptance`: the document cannot say everything the app checks. A schema-valid
  request is still refused with a 4xx where it names a row that does not exist or that the
  caller may not see (team 3, account 2**31-1), an unknown IANA time zone or an address that is
  not an e-mail, a sort field the list does not have, or a pair of fields that contradict each
  other (a matrix request with locations). Each is a 404 or a 422 naming the field.
- `use_after_free` and `ensure_resource_availability`: they assume a created resource is
  readable at once by the caller; a rep may create visits it can then read, but the ids the
  generator invents for other resources belong to other teams (404 by design: ids do not leak).

The app under test is one per backend and role (module scope: state carries over from one
operation to the next, as it would on a real server); failed sign-ins are not limited here
(negative authentication cases would otherwise lock the test client out), and searches are
short (0.2 s).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import APIOperation
from schemathesis.checks import ensure_resource_availability, use_after_free
from schemathesis.core.failures import FailureGroup
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app.core.clock import FixedClock, using
from app.core.config import Environment, Settings
from app.core.db import make_engine, make_session_factory
from app.main import create_app
from tests.apps import empty_database
from tests.backends import BACKENDS
from tests.moments import NOW
from tests.seed import World, seed_world

pytestmark = [pytest.mark.api, pytest.mark.slow]

EXAMPLES = 20
"""Examples per operation, backend and role: the SQLite module takes 84-91 s alone."""
EXCLUDED = [positive_data_acceptance, use_after_free, ensure_resource_availability]
ROLES = ["admin", "rep_north_1", "inside_north"]


BACKEND = "sqlite"
"""The backend of this module's apps. `test_schemathesis_postgresql.py` runs the same test on
PostgreSQL: a module of its own, so that `make test`'s processes run the two halves side by side
(together they were the suite's longest file by minutes)."""


@pytest.fixture(scope="module")
def fuzzed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[FastAPI, World]]:
    folder = tmp_path_factory.mktemp("schemathesis")
    backend = request.module.BACKEND
    assert backend in BACKENDS
    url = empty_database(request, backend, folder)
    clock = FixedClock(NOW)
    settings_ = Settings(
        environment=Environment.DEVELOPMENT,
        database_url=url,
        data_dir=folder,
        max_time_limit_s=0.2,
        max_time_limit_manager_s=0.2,
        max_time_limit_rep_s=0.2,
        max_stops=30,
        max_vehicles=3,
        max_body_bytes=200_000,
        solver_workers=1,
        sign_in_failures=10**9,
    )
    app = create_app(settings_, clock)
    with using(clock), TestClient(app):
        engine = make_engine(settings_.sqlalchemy_url)
        with make_session_factory(engine)() as session:
            world = seed_world(session)
            session.commit()
        engine.dispose()
        try:
            yield app, world
        finally:
            # Schemathesis runs the app's lifespan itself, beside the test client's, from its
            # first request on; it ends here, with its app (its pytest plugin, which ended it
            # after every test, is off: pyproject.toml).
            shutdown_lifespans()


@pytest.fixture(scope="module", params=ROLES)
def role(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def schema(
    fuzzed: tuple[FastAPI, World], role: str
) -> tuple[dict[str, APIOperation], dict[str, str]]:
    """The app's operations as `role` reads its document, by label, and `role`'s headers. Built
    once: looked up one by one (`find_operation_by_label`), the SQLite module took 100 s
    rather than 84-91 s (74-89 s as one test per role)."""
    app, world = fuzzed
    headers = world.headers(role)
    loaded = schemathesis.openapi.from_asgi("/openapi.json", app, headers=headers)
    operations = [
        found.ok() for found in loaded.include(path_regex="^/api/v1/").get_all_operations()
    ]
    return {operation.label: operation for operation in operations}, headers


def _operations() -> list[str]:
    """Every /api/v1 operation ("GET /api/v1/accounts"), from the document of an app that is
    not started (it needs no database for that)."""
    app = create_app(Settings(environment=Environment.DEVELOPMENT), FixedClock(NOW))
    document = schemathesis.openapi.from_dict(app.openapi()).include(path_regex="^/api/v1/")
    return [found.ok().label for found in document.get_all_operations()]


OPERATIONS = _operations()
"""One test per operation, backend and role, in the document's order: a failure names its
operation, and a test that times itself waits for one operation, not for a role's 30-60 s."""


def test_every_operation_is_fuzzed() -> None:
    assert len(OPERATIONS) > 40


@pytest.mark.parametrize("label", OPERATIONS)
def test_the_api_keeps_its_contract(
    schema: tuple[dict[str, APIOperation], dict[str, str]], label: str
) -> None:
    operations, headers = schema
    operation = operations[label]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, excluded_checks=EXCLUDED)

    try:
        run()
    # Schemathesis reports its findings as a BaseExceptionGroup.
    except FailureGroup as exc:
        pytest.fail(_described(exc), pytrace=False)


def _described(exc: BaseException) -> str:
    if isinstance(exc, BaseExceptionGroup):
        parts = [str(exc), *(str(inner) for inner in exc.exceptions)]
        notes = getattr(exc, "__notes__", [])
        return "\n".join([*parts, *notes])[:4000]
    return f"{type(exc).__name__}: {exc}"[:4000]

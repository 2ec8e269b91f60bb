"""Which databases the tests run on: SQLite always; PostgreSQL when
`FIELDROUTE_TEST_POSTGRES_URL` names one (CI sets it to the machine's server)."""

from __future__ import annotations

import os

import pytest

POSTGRES_URL = os.environ.get("FIELDROUTE_TEST_POSTGRES_URL") or None
BACKENDS = ["sqlite", "postgresql"]
ON_BOTH_BACKENDS = pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
"""For test modules about stored data: `pytestmark = ON_BOTH_BACKENDS`."""

REDIS_URL = os.environ.get("FIELDROUTE_TEST_REDIS_URL") or None
"""A Redis database the job tests may flush (CI: redis://127.0.0.1:6379/15)."""

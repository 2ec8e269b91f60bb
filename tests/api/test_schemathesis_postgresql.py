"""The whole API against its OpenAPI document on PostgreSQL (skipped without one): the test of
`test_schemathesis.py`, in a module of its own so that it runs beside the SQLite half."""

from __future__ import annotations

import pytest

from tests.api.test_schemathesis import fuzzed, role, schema, test_the_api_keeps_its_contract

pytestmark = [pytest.mark.api, pytest.mark.slow]

BACKEND = "postgresql"

__all__ = ["fuzzed", "role", "schema", "test_the_api_keeps_its_contract"]

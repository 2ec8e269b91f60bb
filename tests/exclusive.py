"""Tests that time themselves run with no other test beside them.

`make test` runs three test processes (pytest-xdist) on a 2-core machine. A test marked
`@pytest.mark.alone` asserts how long something takes (the time limit holds on the largest
request; a killed server's solver processes are gone within seconds): next to another test it
would measure its neighbour. The processes share a reader-writer lock on two files: every test
holds the room shared; an `alone` test holds it exclusively while it runs (its setup and
teardown, which it does not time, go on beside the others: `tests/conftest.py`). The turnstile,
taken by each test before the room, keeps a waiting `alone` test from being passed forever by
the other processes' next tests.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

RUN = os.environ.get("PYTEST_XDIST_TESTRUNUID")
"""The same in every process of one xdist run; None when the tests run in one process."""


@contextmanager
def one_at_a_time(*, alone: bool) -> Iterator[None]:
    if RUN is None:
        yield
        return
    folder = Path(tempfile.gettempdir())
    with (
        (folder / f"fieldroute-tests-{RUN}.turnstile").open("a") as turnstile,
        (folder / f"fieldroute-tests-{RUN}.room").open("a") as room,
    ):
        fcntl.flock(turnstile, fcntl.LOCK_EX)
        try:
            fcntl.flock(room, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        finally:
            if not alone:
                fcntl.flock(turnstile, fcntl.LOCK_UN)
        try:
            yield
        finally:
            fcntl.flock(room, fcntl.LOCK_UN)
            if alone:
                fcntl.flock(turnstile, fcntl.LOCK_UN)

"""`python -m tests.jobs.clocked MOMENT ARGS...`: the CLI (a worker) living at a fixed moment,
so that what its jobs plan does not depend on the day the tests run."""

from __future__ import annotations

import sys
from datetime import datetime

from app.cli import main
from app.core.clock import FixedClock, using

if __name__ == "__main__":
    # A solo worker runs its tasks in this thread, in this context: they read this clock.
    with using(FixedClock(datetime.fromisoformat(sys.argv[1]))):
        raise SystemExit(main(sys.argv[2:]))

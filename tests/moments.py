"""The moment the tests live at.

The app reads the time from its clock (`app.core.clock`); every test runs with this fixed moment
as the current clock and every test app is made with it, so no test passes or fails with the hour
the suite happens to run at. CI also runs the suite under faketime at other hours (`.ci/run`) to
catch a test or module that still reads the machine's time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

NOW = datetime(2026, 3, 4, 16, 0, tzinfo=UTC)
"""A Wednesday, 10:00 in Chicago (CST, UTC-6): the demo reps' morning, inside their shift."""
CHICAGO = ZoneInfo("America/Chicago")
TODAY_UTC: date = NOW.date()
TODAY_CHICAGO: date = NOW.astimezone(CHICAGO).date()

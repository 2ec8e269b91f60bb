"""Bounds on account fields: one list for the table, the API schemas and the CSV import, so a
value one of them accepts is never refused (or, worse, truncated or a 500) by another."""

from __future__ import annotations

TEXT_MAX: dict[str, int] = {
    "external_id": 64,
    "name": 200,
    "street": 200,
    "city": 100,
    "postcode": 20,
    "region": 100,
    "country": 60,
    "phone": 50,
    "tier": 8,
    "notes": 10_000,
}
"""Longest text per field, in characters."""

MAX_VALUE = 1e12
"""Largest account value (money per year, or a score)."""

CADENCE_DAYS = (1, 3650)
"""Days between visits: from daily to once in ten years."""

SERVICE_MINUTES = (1, 720)
"""Minutes on site per visit: at most a long shift."""

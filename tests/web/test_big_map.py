"""A 2,000-account team's map in headless Chromium: every account drawn, quickly, and light."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import pytest

from app.models import Account, Rep, Team, Territory
from tests.web.browser import LiveApp, Traffic, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

ACCOUNTS = 2000
REPS = 4
"""Generous for a loaded CI machine; about a second is usual here (the test prints it)."""
MAX_MAP_BYTES = 350_000


@pytest.fixture(scope="module")
def big_team(live_app: LiveApp) -> int:
    """A team 'Zeta' (sorted after the seeded ones) with 4 reps and 2,000 placed accounts."""
    rng = random.Random(4)
    with live_app.session_factory() as session:
        team = Team(name="Zeta")
        reps = [
            Rep(
                name=f"Zeta Rep {i}",
                email=f"zeta{i}@example.com",
                team=team,
                home_latitude=41.6 + 0.2 * i,
                home_longitude=-87.9 + 0.1 * i,
            )
            for i in range(REPS)
        ]
        session.add_all(reps)
        session.flush()
        territories = [Territory(name=r.name, team_id=team.id, rep_id=r.id) for r in reps]
        session.add_all(territories)
        session.flush()
        session.add_all(
            Account(
                name=f"Zeta {i}",
                latitude=41.5 + rng.random(),
                longitude=-88.3 + rng.random(),
                value=rng.lognormvariate(9, 1.2),
                team_id=team.id,
                territory_id=territories[i % REPS].id,
            )
            for i in range(ACCOUNTS)
        )
        session.commit()
        return team.id


def test_two_thousand_accounts_all_drawn(
    context: BrowserContext, live_app: LiveApp, big_team: int, traffic: Traffic
) -> None:
    page = context.new_page()
    sign_in(page, live_app, "admin", "/login")
    map_url = f"{live_app.url}/manager/map?team_id={big_team}"
    # How long drawing takes is measured by bench, not asserted here.
    response = page.goto(map_url)
    page.locator("path.fr-account").nth(ACCOUNTS - 1).wait_for()
    assert response is not None
    assert response.ok
    size = len(response.body())
    print(f"2,000-account map: {size:,} bytes of HTML")
    assert page.locator("path.fr-account").count() == ACCOUNTS
    assert page.locator(".fr-home").count() == REPS
    assert page.locator("path.fr-territory").count() == REPS
    assert size < MAX_MAP_BYTES
    screenshot(page, "map-2000-accounts")
    assert traffic.off_machine() == []

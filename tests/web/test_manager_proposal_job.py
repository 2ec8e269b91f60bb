"""`/manager` at 1280x800 in headless Chromium: a rebalance of a team big enough that its
design takes its whole time limit (twenty reps, four hundred accounts on one of them) runs as a
job; the page shows its progress while it runs, then the proposal; or, cancelled, says so and
shows none."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select

from app.models import Account, Job, Rep, TerritoryProposal
from tests.web.browser import LiveApp, Traffic, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

EXTRA_REPS = 18
ACCOUNTS = 400


@pytest.fixture(scope="module", autouse=True)
def big_north(live_app: LiveApp) -> None:
    """Eighteen more reps in North, and four hundred accounts in North Rep 1's territory."""
    north = live_app.world.team_ids["North"]
    with live_app.session_factory() as session:
        for number in range(EXTRA_REPS):
            session.add(Rep(name=f"Big Rep {number:02d}", email=f"big-{number}@example.com",
                            team_id=north, home_latitude=41.8 + 0.02 * (number % 6),
                            home_longitude=-87.9 + 0.05 * (number // 6),
                            home_precision="postcode"))  # fmt: skip
        for number in range(ACCOUNTS):
            session.add(Account(external_id=f"big-{number}", name=f"Big {number}",
                                latitude=41.75 + 0.0007 * number, geocode_precision="rooftop",
                                longitude=-87.95 + 0.011 * (number % 29), value=100.0 + number,
                                team_id=north,
                                territory_id=live_app.world.territory_ids["rep_north_1"]))  # fmt: skip
        session.commit()


def _open(context: BrowserContext, live: LiveApp) -> Page:
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live, "manager_north")
    page.frame_locator("#map").locator("path.fr-account").first.wait_for()
    page.fill("input[name=time_limit]", "3")
    page.click("#rebalance button[type=submit]")
    # Progress the job reported while running, read back by the page's polling.
    page.locator("#rebalance-status", has_text="of 3 s").wait_for(timeout=10_000)
    assert page.locator("#proposal-progress").is_visible()
    return page


def _count(live: LiveApp, table: type[Job] | type[TerritoryProposal]) -> int:
    with live.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_the_page_shows_the_jobs_progress_then_the_proposal(
    context: BrowserContext, live_app: LiveApp, traffic: Traffic
) -> None:
    page = _open(context, live_app)
    screenshot(page, "manager-proposal-progress")
    page.locator("#proposal h3").wait_for(timeout=20_000)
    assert page.locator("#proposal-job").count() == 0
    proposal_id = int(page.url.split("proposal_id=")[1])
    assert f"Proposal #{proposal_id}" in page.locator("#proposal h3").inner_text()
    assert page.locator("#apply").is_visible()
    assert traffic.off_machine() == []


def test_a_cancelled_job_shows_no_proposal(context: BrowserContext, live_app: LiveApp) -> None:
    before = _count(live_app, TerritoryProposal)
    page = _open(context, live_app)
    page.click("#cancel-proposal")
    page.locator("#rebalance-status", has_text="Cancelled: nothing was proposed.").wait_for()
    assert page.locator("#proposal").is_hidden()
    assert page.locator("#proposal-job").count() == 0
    assert "proposal_id" not in page.url
    with live_app.session_factory() as session:
        job = session.scalars(select(Job).order_by(Job.id.desc())).first()
    assert job is not None
    assert job.state == "cancelled"
    assert _count(live_app, TerritoryProposal) == before

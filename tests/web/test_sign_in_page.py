"""Signing in on a phone-sized screen in Chromium: e-mail and password, and a one-time link
a manager made (its QR page), landing on the rep's page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.auth.passwords import set_password
from app.models import User
from tests.web.browser import LiveApp, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext

PHONE_WIDTH, PHONE_HEIGHT = 390, 844
PASSWORD = "north rep one phrase"


def _phone(browser: Browser) -> BrowserContext:
    return browser.new_context(
        viewport={"width": PHONE_WIDTH, "height": PHONE_HEIGHT}, has_touch=True, is_mobile=True
    )


def test_email_and_password_on_a_phone(browser: Browser, live_app: LiveApp) -> None:
    with live_app.session_factory() as session:
        user = session.get(User, live_app.world.user_ids["rep_north_1"])
        assert user is not None
        set_password(user, PASSWORD)
        session.commit()
    context = _phone(browser)
    page = context.new_page()
    page.goto(f"{live_app.url}/login?next=/rep")
    assert page.locator("#email").is_visible()
    first = page.locator("main input:not([type=hidden])").first
    assert first.get_attribute("id") == "email"
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    page.fill("#email", "user-rep_north_1@example.com")
    page.fill("#password", "not it at all, sorry")
    page.click("button[type=submit]")
    assert "Wrong e-mail address or password" in page.locator("[role=alert]").inner_text()
    assert page.input_value("#email") == "user-rep_north_1@example.com"
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    screenshot(page, "sign-in-password-phone")
    assert page.url.endswith("/rep")
    assert "North Rep 1" in page.content()
    context.close()


def test_a_managers_link_signs_a_phone_in_to_the_rep_page(
    browser: Browser, live_app: LiveApp
) -> None:
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    manager = desk.new_page()
    sign_in(manager, live_app, "manager_north", "/login")
    user_id = live_app.world.user_ids["rep_north_1"]
    manager.goto(f"{live_app.url}/login/link/new?user_id={user_id}")
    with manager.expect_navigation():
        manager.click("button[type=submit]")
    assert manager.locator(".qr svg").is_visible()
    url = manager.locator("#link-url").inner_text().strip()
    screenshot(manager, "sign-in-link-qr")
    desk.close()

    phone = _phone(browser)
    page = phone.new_page()
    page.goto(url)
    with page.expect_navigation():
        page.click("text=Sign in as North Rep 1")
    assert page.url == f"{live_app.url}/rep"
    assert "North Rep 1" in page.content()
    screenshot(page, "sign-in-link-phone")
    # The same link on another phone: refused, and said so.
    other = _phone(browser).new_page()
    other.goto(url)
    assert "already been used" in other.locator("[role=alert]").inner_text()
    phone.close()

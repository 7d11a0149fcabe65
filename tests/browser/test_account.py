"""My account (/account): a user changes their own password through the page under the password policy
(``auth.check_password``): a breached one is refused with the reason above the form, a strong one is taken and
the new password signs in. Screenshots in zh and en at desktop (1280) and phone (390) width into
docs/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
FIRST, SECOND = "Zq9!vL2#mW8@pK", "Pa55-phrase bamboo lake"


def login(page, username: str, password: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-submit")
    page.wait_for_selector("#who")


def test_change_own_password(page):
    login(page, "admin", "pioneer-demo")
    page.goto("/admin")
    token = page.get_attribute("form[action='/logout'] input[name=csrf_token]", "value")
    r = page.request.post("/api/v1/users", headers={"X-CSRF-Token": token},
                          data={"username": "pwchanger", "password": FIRST, "role": "viewer"})  # fmt: skip
    assert r.status == 201, r.text()
    page.click("form[action='/logout'] button")
    page.wait_for_selector("#login-link")

    login(page, "pwchanger", FIRST)
    page.click("#who")  # the name in the header leads to the account page
    page.wait_for_selector("#new-password")
    page.fill("#current-password", FIRST)
    page.fill("#new-password", "password1234")
    page.click("#password-submit")
    error = page.inner_text("#password-error")
    assert "容易被猜到" in error
    for width, suffix in ((1280, ""), (390, "-phone")):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(DOCS / f"account-refused{suffix}-zh.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto("/account?lang=en")
    page.fill("#current-password", FIRST)
    page.fill("#new-password", "iloveyou2024")
    page.click("#password-submit")
    assert "too easy to guess" in page.inner_text("#password-error")
    for width, suffix in ((1280, ""), (390, "-phone")):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(DOCS / f"account-refused{suffix}-en.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.fill("#current-password", FIRST)
    page.fill("#new-password", SECOND)
    page.click("#password-submit")
    page.wait_for_selector("#password-changed")
    page.screenshot(path=str(DOCS / "account-changed-en.png"), full_page=True)
    page.goto("/account?lang=zh")
    page.screenshot(path=str(DOCS / "account-zh.png"), full_page=True)
    page.click("form[action='/logout'] button")
    page.wait_for_selector("#login-link")
    login(page, "pwchanger", SECOND)

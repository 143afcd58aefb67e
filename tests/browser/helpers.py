"""Shared steps of the browser tests."""

from yufang.accounts.tests.factories import PASSWORD


def login(page, user) -> None:
    """Signs in as another user on a page that may have been signed in already. Leaves the page
    first: a response still on its way (an evidence preview, say) would set the old session's
    cookie again after it is cleared, and the login page would redirect home."""
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    if not page.locator("#id_username").count():
        page.context.clear_cookies()
        page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")

import pytest
from django.core.management import call_command

from yufang.demo.orgs import LOGINS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    with open("/dev/null", "w") as devnull:
        call_command("load_demo", scale=0.02, stdout=devnull)


def test_every_demo_role_logs_in_sees_home_and_logs_out(page, demo):
    for username, display_name, _org_name, _role in LOGINS:
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "yufang-demo")
        page.click("button[type=submit]")
        page.wait_for_url("**/")
        assert page.get_by_test_id("todo").is_visible(), username
        assert display_name in page.content(), username
        # A phone-width screen: open the menu before reaching the user menu.
        toggler = page.locator(".navbar-toggler")
        if toggler.is_visible():
            toggler.click()
            # Wait for the collapse to finish opening: a click while it animates can be lost.
            page.locator("#mainnav.show:not(.collapsing)").wait_for()
        page.get_by_test_id("user-menu").click()
        page.wait_for_selector(".dropdown-menu.show")
        page.get_by_test_id("logout").click()
        page.wait_for_url("**/accounts/login/")


def test_wrong_password_then_filter_list_with_htmx(page, demo):
    page.goto("/accounts/login/")
    page.fill("#id_username", "owner")
    page.fill("#id_password", "not-the-password")
    page.click("button[type=submit]")
    assert "用户名或密码不正确" in page.get_by_test_id("login-error").inner_text()
    page.fill("#id_password", "yufang-demo")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto("/accounts/organisations/")
    page.select_option("#id_kind", "provider")
    # Wait for the swap on a row that is on the first page before filtering (the agency sorts first).
    page.wait_for_function("() => !document.querySelector('#results').textContent.includes('淄博市社会保险事业中心')")
    text = page.locator("#results").inner_text()
    assert "山东齐安安全技术服务有限公司" in text and "淄博市财政局" not in text

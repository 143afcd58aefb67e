"""The leaders' pages in Chromium: the public page of the issued plan reached from the login page
without signing in, showing nothing personal; the prevention effect and the years side by side
drawn by ECharts for the owner and for a district (no CSP violation: the page fixture)."""

import pytest
from django.core.management import call_command

from yufang.people.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    with open("/dev/null", "w") as devnull:
        call_command("load_demo", scale=0.02, stdout=devnull)


def _login(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "yufang-demo")
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def test_the_public_plan_from_the_login_page(page, demo):
    page.goto("/accounts/login/")
    page.get_by_test_id("public-plans").click()
    page.locator("[data-testid=public-plan-list] a").first.click()
    page.get_by_test_id("public-targets").wait_for()
    text = page.locator("main").inner_text()
    assert "此件主动公开" in text and "全年培训人数" in text
    assert page.get_by_test_id("public-results").is_visible()  # 2023 is over
    for person in Person.objects.all()[:50]:
        assert person.name not in text and person.id_number[-6:] not in text


@pytest.mark.parametrize("username", ["owner", "district"])
def test_effect_and_years_are_drawn(page, demo, username):
    _login(page, username)
    page.goto("/insight/effect/?year=2023&threshold=1")
    page.get_by_test_id("caveats").wait_for()
    assert int(page.get_by_test_id("count-enterprises").inner_text()) > 0
    charts = ["chart-rate", "chart-loss"]
    if username == "owner":  # the city has trained and untrained enterprises of a size to compare
        assert page.get_by_test_id("overall-rate").is_visible()
        charts.append("chart-groups")
    for chart in charts:
        page.locator(f"#{chart} canvas").first.wait_for()
    # The workbook with every enterprise is made in the background, then downloaded.
    page.get_by_test_id("export").click()
    page.get_by_test_id("job-result").wait_for()
    with page.expect_download() as download:
        page.get_by_test_id("job-result").click()
    assert download.value.suggested_filename.startswith("2023年培训预防效果")
    page.goto("/insight/years/")
    page.get_by_test_id("years-table").wait_for()
    page.locator("#chart-years-safety canvas").first.wait_for()
    assert "2024 年" in page.get_by_test_id("years-table").inner_text()

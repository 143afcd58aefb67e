"""The pages that draw charts, poll with HTMX, confirm and auto-submit keep working under the
strict Content-Security-Policy (issue 12, item 16); the page fixture fails on any violation."""

import pytest
from django.core.management import call_command

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


def test_charts_htmx_confirm_and_autosubmit_under_the_policy(page, demo):
    from yufang.accounts.models import User
    from yufang.plans.models import Plan
    from yufang.training.models import TrainingSession

    page.set_viewport_size({"width": 1280, "height": 900})
    _login(page, "owner")
    assert "script-src 'self'" in (page.request.get("/").headers.get("content-security-policy") or "")
    plan = Plan.objects.filter(status="issued").order_by("-year").first()
    page.goto(f"/plans/{plan.pk}/")
    page.locator("#execution-chart canvas").wait_for()  # drawn by plans/execution_chart.js
    page.screenshot(path="/tmp/yufang_csp_plan.png", full_page=True)
    page.goto("/targets/")
    page.locator(".chart canvas").first.wait_for()  # the progress charts
    page.goto("/learning/statistics/")
    select = page.locator("select[data-autosubmit]")
    if select.locator("option").count() > 1:
        value = select.locator("option").nth(1).get_attribute("value")
        select.select_option(value)
        page.wait_for_url(f"**plan={value}*")
    session = TrainingSession.objects.order_by("pk").first()
    page.goto(f"/training/sessions/{session.pk}/")
    with page.expect_response(lambda r: "/board/" in r.url):  # the HTMX poll of the live board
        pass
    # A confirm() declared in the markup: dismissing it keeps the password.
    trainee = User.objects.get(username="trainee")
    before = trainee.password
    page.goto(f"/accounts/users/{trainee.pk}/")
    page.once("dialog", lambda d: d.dismiss())
    page.get_by_role("button", name="重置密码").click()
    trainee.refresh_from_db()
    assert trainee.password == before
    page.screenshot(path="/tmp/yufang_csp_user.png", full_page=True)
    # The API's documentation (public on purpose, README) renders from vendored files too.
    page.goto("/api/v1/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()

"""The leaders' dashboard in Chromium, as the owner and as a district's staff, at 1366 and 390
pixels: the figures are drawn by ECharts, the page does not overflow sideways, and a click on a
bar (and on a number of its table) lands on the records behind it, a district's on its own."""

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from yufang.accounts.models import User

from .test_insight import _login, demo  # noqa: F401 - the demo fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_sideways_overflow(page):
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width


def _click_first_bar(page, key: str) -> None:
    """Clicks the middle of the first non-empty bar of a chart, where ECharts draws it."""
    point = page.evaluate(
        """(key) => {
            const el = document.getElementById("chart-" + key);
            const chart = echarts.getInstanceByDom(el);
            const option = chart.getOption();
            for (let s = 0; s < option.series.length; s++) {
                const data = option.series[s].data;
                for (let i = 0; i < data.length; i++) {
                    const v = typeof data[i] === "object" && data[i] !== null ? data[i].value : data[i];
                    if (v > 0) {
                        let below = 0;
                        for (let t = 0; t < s; t++) {
                            const d = option.series[t].data[i];
                            below += (typeof d === "object" && d !== null ? d.value : d) || 0;
                        }
                        const xy = chart.convertToPixel({seriesIndex: s}, [i, below + v / 2]);
                        const box = el.getBoundingClientRect();
                        return [box.left + xy[0], box.top + xy[1]];
                    }
                }
            }
            return null;
        }""",
        key,
    )
    assert point, key
    page.mouse.click(point[0], point[1])


def _open_first_bar(page, key: str, url) -> None:
    """Clicks the first bar until its list opens: on a busy machine a click can land while the
    chart is still settling after the scroll (ECharts animates its bars in), and miss."""
    for _ in range(3):
        _click_first_bar(page, key)
        try:
            page.wait_for_url(url, timeout=5000)
            return
        except PlaywrightTimeout:
            page.wait_for_timeout(500)
    page.wait_for_url(url)


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("username", ["owner", "district"])
def test_dashboard_figures_and_click_through(page, username, width):
    page.set_viewport_size({"width": width, "height": 900})
    _login(page, username)
    page.goto("/insight/")
    title = page.get_by_test_id("dashboard-title").inner_text()
    region = User.objects.get(username=username).organisation.region
    assert ("全市" in title) if username == "owner" else (region.name in title)
    for key in ("targets", "training_region", "funnel", "flags"):
        page.locator(f"#chart-{key} canvas").first.wait_for()
    assert "全年培训人数" in page.get_by_test_id("table-targets").inner_text()
    assert "计数规则" in page.get_by_test_id("figure-fund_lines").inner_text()
    _no_sideways_overflow(page)

    # A bar of the training chart opens the completions behind it (a district: its own).
    page.get_by_test_id("figure-training_region").scroll_into_view_if_needed()
    _open_first_bar(page, "training_region", re.compile(r"/targets/completions/\?.*region="))
    rows = page.locator("table tbody tr")
    assert rows.count() > 0
    if username == "district":
        assert f"region={region.pk}" in page.url
        assert all(region.name in t for t in rows.all_inner_texts())
    _no_sideways_overflow(page)

    # A number in a table does the same: the overdue progress reports.
    page.goto("/insight/")
    figure = page.get_by_test_id("figure-projects")
    figure.locator("summary").click()
    figure.get_by_test_id("cell-link").first.click()
    page.wait_for_url(re.compile(r"/projects/\?status="))
    assert page.locator("table tbody tr").count() > 0


@pytest.mark.usefixtures("demo")
def test_after_a_change_the_page_shows_the_last_count_then_offers_the_new_one(page):
    """The worker has not got to the recount yet: the page answers with the last count and a
    progress note; once the recount has run, the note offers the new figures."""
    from django.test import override_settings

    from yufang.core.audit import record
    from yufang.insight.dashboard import dashboard_plan, dashboard_recount

    owner = User.objects.get(username="owner")
    plan, _ = dashboard_plan(user=owner)
    page.set_viewport_size({"width": 1366, "height": 900})
    _login(page, "owner")
    page.goto("/insight/")
    assert "与当前记录一致" in page.get_by_test_id("computed-at").inner_text()
    record(actor=owner, action="update", instance=plan, event="一次审计过的修改")
    queued = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "dashboard"]}}
    with override_settings(TASKS=queued):
        page.goto("/insight/")
        note = page.get_by_test_id("recount-progress")
        assert "正在后台重新统计" in note.inner_text()
        page.locator("#chart-training_region canvas").first.wait_for()  # the last count is drawn
        page.wait_for_timeout(2500)  # the note asks again: still counting
        assert page.get_by_test_id("recount-progress").is_visible()
        dashboard_recount.call(owner.pk, plan.pk, None)  # the worker gets to it
        page.get_by_test_id("recount-show").click(timeout=10000)
    page.wait_for_load_state()
    assert "与当前记录一致" in page.get_by_test_id("computed-at").inner_text()

"""The monthly briefing in Chromium: the owner makes one on demand from the archive, watches
its progress on the job page, downloads the PDF, and finds it in the archive; a district
officer's archive lists their own district's briefings only."""

import pytest

from yufang.insight.models import Briefing

from .test_insight import _login, demo  # noqa: F401 - the demo fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("demo")]


def test_the_owner_makes_a_briefing_watches_it_and_downloads_it(page):
    scheduled = Briefing.objects.filter(scheduled=True).count()
    assert scheduled > 0  # the demo's months, made by the scheduler
    _login(page, "owner")
    page.goto("/insight/briefings/")
    assert page.get_by_test_id("briefing-row").count() > 0
    form = page.get_by_test_id("briefing-form")
    form.locator("#id_month").select_option("2023-12")
    form.locator("#id_region").select_option("")  # the city
    form.get_by_role("button", name="生成简报").click()
    page.wait_for_url("**/jobs/**")
    progress = page.get_by_test_id("job-progress")
    progress.wait_for()
    page.wait_for_selector("[data-testid=job-progress][data-status=succeeded]", timeout=60_000)
    assert "100%" in progress.inner_text()
    with page.expect_download() as download:
        page.get_by_test_id("job-result").click()
    path = download.value.path()
    with open(path, "rb") as f:
        assert f.read(5) == b"%PDF-"
    assert download.value.suggested_filename.endswith(".pdf") and "2023年12月" in download.value.suggested_filename
    made = Briefing.objects.get(year=2023, month=12, region=None)
    assert not made.scheduled and made.made_by.username == "owner"
    page.goto("/insight/briefings/?year=2023&region=city")
    rows = page.get_by_test_id("briefing-row")
    assert "手动生成" in rows.first.inner_text() or rows.first.is_visible()
    with page.expect_download() as again:
        rows.first.get_by_test_id("briefing-download").click()
    assert again.value.suggested_filename.endswith(".pdf")


def test_a_district_sees_its_own_briefings(page):
    _login(page, "district")
    page.goto("/insight/briefings/")
    rows = page.get_by_test_id("briefing-row")
    rows.first.wait_for()
    texts = [rows.nth(i).inner_text() for i in range(rows.count())]
    region = texts[0].split()[-1] if texts else ""
    assert texts and all("全市" not in t for t in texts)
    assert len({t.split("月")[-1].strip().split()[0] for t in texts}) == 1, (region, texts)

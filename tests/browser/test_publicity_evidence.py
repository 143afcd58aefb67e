"""A publicity provider uploads evidence through the deliverable page on a phone: a photo with
its EXIF, a video and a broken file. The photo's thumbnail and the video's poster frame load as
images, the photo's taken time and place are shown, the broken file gets its reason, and a
photo reused on a second deliverable is flagged for the agency in the one flag list."""

import datetime

import pytest

from tests.browser.helpers import login
from yufang.publicity.tests.evidence_factories import jpeg_bytes, mp4_bytes
from yufang.publicity.tests.factories import JPEG, make_video, plan_quantities, publicity_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def upload(page, name: str, content: bytes, mime: str) -> None:
    page.set_input_files(
        "[data-testid=evidence-upload] input[type=file]", {"name": name, "mimeType": mime, "buffer": content}
    )
    page.click("[data-testid=evidence-upload] button[type=submit]")
    page.wait_for_load_state()


def loaded(page, selector: str) -> bool:
    return page.eval_on_selector(selector, "img => img.complete && img.naturalWidth > 0")


def test_evidence_previews_exif_and_a_reused_photo_in_the_browser(page, world):
    project = publicity_project(world, "a")
    plan_quantities(world, project, short_video=5)
    first = make_video(world, project, title="高处坠落事故警示")
    second = make_video(world, project, title="有限空间作业警示")
    photo = jpeg_bytes(taken=datetime.datetime(2023, 10, 10, 9, 30))  # noqa: DTZ001 - EXIF is wall-clock
    login(page, world.users["provider_a"])

    page.goto(first.get_absolute_url())
    upload(page, "拍摄现场.jpg", photo, "image/jpeg")
    upload(page, "成片.mp4", mp4_bytes(), "video/mp4")
    upload(page, "损坏.jpg", JPEG, "image/jpeg")
    items = page.locator("[data-testid=evidence-item]")
    assert items.count() == 3
    page.wait_for_load_state("networkidle")
    assert loaded(page, "[data-testid=evidence-item]:nth-child(1) img")
    assert "拍摄时间 2023-10-10 09:30" in items.nth(0).inner_text()
    assert "北纬 36°48′44″，东经 118°3′16″" in items.nth(0).inner_text()
    poster = page.get_attribute("[data-testid=evidence-item]:nth-child(2) video", "poster")
    assert page.request.get(poster).headers["content-type"] == "image/jpeg"
    assert "无法预览" in items.nth(2).inner_text() and "图片无法解码" in items.nth(2).inner_text()

    page.goto(second.get_absolute_url())
    upload(page, "同一张.jpg", photo, "image/jpeg")
    assert "已标记为异常线索" in page.inner_text("body")

    login(page, world.users["agency"])
    page.goto("/training/flags/?source=publicity")
    page.get_by_role("link", name="同一文件用于两项宣传成果").click()
    page.wait_for_load_state()
    evidence = page.get_by_test_id("evidence")
    assert evidence.get_by_role("link", name="宣传短视频：高处坠落事故警示", exact=False).count() == 1
    assert evidence.get_by_role("link", name="宣传短视频：有限空间作业警示", exact=False).count() == 1

"""Publicity walked in the browser (issue 16): a publicity provider, from an approved plan, plans
its quantities per kind, records a short video and the launch event with their evidence and
submits them; the agency returns the one whose photo is another deliverable's and accepts the
rest; the completion report shows planned against delivered per kind from those records. And
the uploads' answers: a renamed executable, a file over the size limit, a reused photo."""

import datetime
import re

import pytest

from yufang.demo import evidence_files
from yufang.projects.models import ProjectStatus
from yufang.publicity.models import Deliverable, DeliverableKind, DeliverableStatus, Evidence
from yufang.publicity.tests.factories import EXE, publicity_project

from .test_project_life import act, login, status_is

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TAKEN = datetime.datetime(2023, 10, 18, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def _kinds(db):
    """The shipped kinds: a transactional test's flush removes the data migration's rows."""
    from django.apps import apps

    from yufang.publicity.defaults import load_default_kinds

    load_default_kinds(apps)


def kind_pk(code: str) -> int:
    return DeliverableKind.objects.get(code=code).pk


def upload(page, name: str, content: bytes, mime: str) -> str:
    """Uploads a file on the deliverable's page; returns the message the page then shows."""
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": mime, "buffer": content}])
    with page.expect_navigation():
        page.locator("[data-testid=evidence-upload] button[type=submit]").click()
    page.wait_for_load_state()
    return page.locator("main .alert").first.inner_text()


def record(page, project, kind_name: str, fields: dict[str, str]) -> str:
    """From the project page: 记录成果, the kind, its fields; returns the deliverable's URL."""
    page.goto(project.get_absolute_url())
    page.get_by_test_id("record-deliverable").click()
    page.get_by_test_id("kinds").get_by_role("link", name=re.compile(kind_name)).click()
    for selector, value in fields.items():
        if page.locator(selector).evaluate("e => e.tagName") == "SELECT":
            page.select_option(selector, value)
        else:
            page.fill(selector, value)
    page.get_by_test_id("save").click()
    page.wait_for_url(re.compile(r"/publicity/\d+/$"))
    return page.url


def submit(page) -> None:
    act(page, "submit")
    page.wait_for_selector("[data-testid=status]:has-text('已提交待审核')")


def test_provider_plans_records_and_the_completion_report_counts_the_accepted(page, world, settings):
    project = publicity_project(
        world,
        "a",
        status=ProjectStatus.APPROVED,
        indicators=[{"kind": "videos", "planned": 2}, {"kind": "events", "planned": 1}],
    )
    provider, agency = world.users["provider_a"], world.users["agency"]

    # Planned quantities: below the agreement is refused beside the field; then the plan.
    login(page, provider)
    page.goto(project.get_absolute_url())
    page.get_by_test_id("edit-publicity-plan").click()
    page.fill(f"#id_kind_{kind_pk('short_video')}", "1")
    page.get_by_test_id("save").click()
    assert "不得少于 2（现为 1）" in page.locator("main form").inner_text()
    page.fill(f"#id_kind_{kind_pk('short_video')}", "2")
    page.fill(f"#id_kind_{kind_pk('event')}", "1")
    page.get_by_test_id("save").click()
    page.wait_for_url(f"**{project.get_absolute_url()}")
    act(page, "start")
    status_is(page, "实施中")

    # Two short videos, each with its MP4 (the first also with a photo of its launch); a renamed
    # executable is refused by its content.
    the_photo = evidence_files.photo("Launch", TAKEN, place=evidence_files.ZIBO)
    videos = []
    for n, (topic, title) in enumerate([("政策", "工伤保险政策解读"), ("事故案例", "高处坠落事故警示")], start=1):
        url = record(
            page,
            project,
            "宣传短视频",
            {
                "#id_title": title,
                "#id_quantity": "1",
                "#id_delivered_on": f"2023-10-1{n}",
                "#id_f_topic": topic,
                "#id_f_duration_seconds": "120",
                "#id_f_platform": "淄博 5G 智媒平台",
                "#id_f_link": f"https://v.example.cn/{n}",
            },
        )
        videos.append(url)
        if n == 1:
            assert "至少需要 1 个佐证文件（现有 0 个）" in page.content()
            refusal = upload(page, "现场照片.jpg", EXE, "image/jpeg")
            assert "内容不是 JPG/PNG 图片、PDF 或 MP4 视频" in refusal and "修改扩展名无效" in refusal
            assert "已上传" in upload(page, "发布截图.jpg", the_photo, "image/jpeg")
        assert "已上传" in upload(page, f"视频{n}.mp4", evidence_files.video(f"browser-{n}", seconds=1), "video/mp4")
        submit(page)
    assert not Evidence.objects.filter(original_name="现场照片.jpg").exists()

    # The launch event: the first video's photo again is kept but flagged; a photo over the
    # (here 1 MB) image limit is refused with the limit; a photo of its own is taken.
    event = record(
        page,
        project,
        "宣传活动",
        {
            "#id_title": "工伤预防答题活动暨工伤预防体系建设启动仪式",
            "#id_quantity": "1",
            "#id_delivered_on": "2023-10-18",
            "#id_f_place": "淄博市文化中心",
            "#id_f_organisers": "淄博市人力资源和社会保障局",
            "#id_f_attendance": "300",
        },
    )
    notice = upload(page, "启动仪式.jpg", the_photo, "image/jpeg")
    assert "同一文件已是另一项宣传成果的佐证：已标记为异常线索" in notice
    assert "异常线索" in page.get_by_test_id("reused").inner_text()
    settings.YUFANG_UPLOAD_MAX_MB = {"image": 1}
    big = the_photo + b"\x00" * (1024 * 1024)
    refusal = upload(page, "全景.jpg", big, "image/jpeg")
    assert "超过图片（JPG/PNG）的大小上限 1 MB" in refusal
    assert not Evidence.objects.filter(original_name="全景.jpg").exists()
    assert "已上传" in upload(page, "合影.jpg", evidence_files.photo("Group", TAKEN), "image/jpeg")
    submit(page)

    # The agency: the flag in view on the event, returned with a note; the videos accepted.
    login(page, agency)
    page.goto(event)
    assert "高处坠落" not in page.get_by_test_id("reused").inner_text()
    assert "工伤保险政策解读" in page.get_by_test_id("reused").inner_text()
    act(page, "return", note="启动仪式照片与短视频的发布截图相同，请删除后重新提交。")
    page.wait_for_selector("[data-testid=status]:has-text('已退回待修改')")
    for url in videos:
        page.goto(url)
        act(page, "accept")
        page.wait_for_selector("[data-testid=status]:has-text('已验收')")

    # The provider: the note, the reused photo removed, resubmitted; then accepted.
    login(page, provider)
    page.goto(event)
    assert "请删除后重新提交" in page.get_by_test_id("review-note").inner_text()
    with page.expect_navigation():
        page.get_by_test_id("evidence").locator("li", has=page.get_by_test_id("reused")).get_by_role(
            "button", name="删除"
        ).click()
    page.wait_for_load_state()
    assert page.get_by_test_id("reused").count() == 0
    act(page, "resubmit")
    page.wait_for_selector("[data-testid=status]:has-text('已提交待审核')")
    login(page, agency)
    page.goto(event)
    act(page, "accept")
    page.wait_for_selector("[data-testid=status]:has-text('已验收')")
    assert set(Deliverable.objects.values_list("status", flat=True)) == {DeliverableStatus.ACCEPTED}

    # The completion report: planned against delivered per kind, counted from the records.
    login(page, provider)
    page.goto(project.get_absolute_url())
    assert page.get_by_test_id("delivered-short_video").inner_text() == "2"
    page.get_by_test_id("write-completion").click()
    for part, text in (("goals", "宣传目标已完成。"), ("performance", "按方案实施。"), ("effect", "覆盖全市。")):
        page.fill(f"#id_{part}", text)
    page.get_by_test_id("save").click()
    page.wait_for_url(re.compile(r"/projects/completion/\d+/$"))
    # The report's publicity figures were prefilled from the accepted deliverables, and capped there.
    figures = {f.label: (f.platform_count, f.achieved) for f in project.completion_report.figures.all()}
    videos = [v for label, v in figures.items() if "短视频" in label]
    assert videos == [(2, 2)], figures
    panel = page.get_by_test_id("publicity-panel")
    assert panel.get_by_test_id("delivered-short_video").inner_text() == "2"
    assert panel.get_by_test_id("delivered-event").inner_text() == "1"
    rows = {r[0]: r[1:] for r in (tr.inner_text().split("\t") for tr in panel.locator("tbody tr").all())}
    assert rows["宣传短视频"] == ["2 部", "2", "0", "100%"]
    assert rows["宣传活动"] == ["1 场", "1", "0", "100%"]
    assert "宣传资料" not in rows  # nothing planned or delivered: left out of the panel

    # The plan's reach page draws its charts with reach.js under the CSP (the fixture fails the
    # test on any refusal).
    login(page, agency)
    page.goto(f"/publicity/plans/{project.plan_id}/reach/")
    page.wait_for_selector("#chart-kinds canvas")

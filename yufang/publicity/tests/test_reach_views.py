"""Reach pages: a provider records a video's readings, a push's audience and carrier report (a
background check with a per-row report, then the import), a print run and its distributions;
the district confirms on the distribution's page; the plan's reach page charts and exports."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from yufang.core.registry import nav_for, todos_for

from ..distribution import distribution_transition
from ..models import Distribution, MaterialStock, PushAudience, PushDelivery, ViewReading
from ..viewcounts import view_reading_add
from .factories import EXE, make_video, upload
from .reach_factories import DAY, distribute, make_material, make_push, reach_project, receipt, xlsx


def _sheets(response) -> dict[str, list[list]]:
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


@pytest.fixture
def project(world):
    return reach_project(world, "a")


def test_a_provider_records_view_readings_on_the_videos_page(world, client, project):
    video = make_video(world, project)
    client.force_login(world.users["provider_a"])
    detail = client.get(video.get_absolute_url()).content.decode()
    assert reverse("publicity:reach", args=[video.pk]) in detail and "播放量记录" in detail
    url = reverse("publicity:reach", args=[video.pk])
    response = client.post(url, {"form": "views", "platform": "抖音", "read_on": "2023-10-15", "views": 1200})
    assert response.status_code == 302
    response = client.post(url, {"form": "views", "platform": "抖音", "read_on": "2023-10-20", "views": 900})
    page = response.content.decode()
    assert response.status_code == 200 and "不能少于 2023-10-15 的读数 1200" in page
    assert ViewReading.objects.filter(deliverable=video).count() == 1
    client.force_login(world.users["provider_b"])
    assert client.get(url).status_code == 404
    client.force_login(world.users["district_a"])
    page = client.get(url).content.decode()
    assert "1200" in page and 'data-testid="reading-form"' not in page


def test_a_push_audience_and_carrier_report_through_the_pages(
    world, client, project, django_capture_on_commit_callbacks
):
    push = make_push(world, project)
    client.force_login(world.users["provider_a"])
    url = reverse("publicity:reach", args=[push.pk])
    response = client.post(url, {"form": "audience", "kind": "districts", "planned_reach": 5000})
    assert "请至少选择一个区县" in response.content.decode()
    region = world.orgs["district_a"].region
    client.post(url, {"form": "audience", "kind": "districts", "planned_reach": 5000, "districts": [region.pk]})
    assert PushAudience.objects.get(deliverable=push).planned_reach == 5000
    template = client.get(reverse("publicity:push_template"))
    ws = load_workbook(io.BytesIO(template.content), read_only=True).active
    assert list(ws.iter_rows(values_only=True))[1] == ("日期", "区县", "行业", "发送数", "送达数", "打开数")
    report = xlsx(
        [
            ["日期", "区县", "行业", "发送数（条）", "送达数（条）", "打开数（人）"],
            [DAY, "张店区", "建筑业", 1000, 900, 300],
            [DAY, "淄川区", "", 500, 600, 10],
        ],
        title_rows=[["5G 智媒平台送达报表"]],
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("publicity:push_upload", args=[push.pk]), {"file": report})
    job_url = response["Location"]
    assert "有效 1 行，错误 1 行" in client.get(job_url).content.decode()
    job_id = int(job_url.rstrip("/").split("/")[-1])
    review = client.get(reverse("publicity:push_review", args=[job_id])).content.decode()
    assert "第 4 行" in review and "送达数 600 多于发送数 500" in review and "表头在第 2 行" in review
    client.force_login(world.users["provider_b"])
    assert client.post(reverse("publicity:push_confirm", args=[job_id])).status_code == 404
    client.force_login(world.users["provider_a"])
    client.post(reverse("publicity:push_confirm", args=[job_id]))
    assert list(PushDelivery.objects.values_list("sent", "delivered", "opened")) == [(1000, 900, 300)]
    response = client.post(reverse("publicity:push_confirm", args=[job_id]), follow=True)
    assert "已导入过" in response.content.decode() and PushDelivery.objects.count() == 1
    page = client.get(url).content.decode()
    assert "送达 <strong>900</strong>" in page


def test_a_renamed_file_is_not_a_report(world, client, project):
    push = make_push(world, project)
    client.force_login(world.users["provider_a"])
    response = client.post(
        reverse("publicity:push_upload", args=[push.pk]), {"file": upload("报告.pdf", b"%PDF-1.4")}, follow=True
    )
    assert "请上传 .xlsx、.xls 或 .csv 文件" in response.content.decode()


def test_a_print_run_is_distributed_and_the_district_confirms(world, client, project):
    material = make_material(world, project, ordered=3000, received=2000)
    client.force_login(world.users["provider_a"])
    url = reverse("publicity:reach", args=[material.pk])
    response = client.post(url, {"form": "stock", "ordered": 3000, "received": 3500})
    assert "不能多于订制数量" in response.content.decode()
    form = {
        "form": "distribution",
        "region": world.orgs["district_a"].region.pk,
        "quantity": 2500,
        "distributed_on": "2023-10-12",
        "receipt": receipt(),
    }
    response = client.post(url, form)
    assert "最多还能发放 2000 份" in response.content.decode()
    response = client.post(url, {**form, "quantity": 400, "receipt": upload("签收单.jpg", EXE)})
    assert "按文件内容识别" in response.content.decode()
    response = client.post(url, {**form, "quantity": 400, "receipt": receipt()})
    assert response.status_code == 302
    x = Distribution.objects.get()
    assert MaterialStock.objects.get(deliverable=material).distributed == 400
    # District b: not theirs. District a: on its 待办, confirms on the page.
    client.force_login(world.users["district_b"])
    assert client.get(x.get_absolute_url()).status_code == 404
    assert (
        client.post(reverse("publicity:distribution_transition", args=[x.pk]), {"action": "confirm"}).status_code == 404
    )
    district = world.users["district_a"]
    todo = next(t for t in todos_for(district) if t.title == "宣传资料待确认签收")
    client.force_login(district)
    listed = client.get(todo.url).content.decode()
    assert x.get_absolute_url() in listed
    page = client.get(x.get_absolute_url()).content.decode()
    assert 'data-testid="confirm-confirm"' in page and reverse("publicity:distribution_receipt", args=[x.pk]) in page
    served = client.get(reverse("publicity:distribution_receipt", args=[x.pk]))
    assert served.status_code == 200
    client.post(reverse("publicity:distribution_transition", args=[x.pk]), {"action": "confirm"})
    x.refresh_from_db()
    assert x.status == "confirmed"
    assert not [t for t in todos_for(district) if t.title == "宣传资料待确认签收"]
    client.force_login(world.users["provider_a"])
    page = client.get(x.get_absolute_url()).content.decode()
    assert "区县已确认签收" in page and 'data-testid="remove"' not in page


def test_the_distributions_list_filters_and_exports(world, client, project):
    material = make_material(world, project, title="政策明白纸")
    confirmed = distribute(world, material, quantity=100)
    distribute(world, material, quantity=50)
    distribution_transition(distribution=confirmed, action="confirm", actor=world.users["district_a"])
    client.force_login(world.users["agency"])
    url = reverse("publicity:distribution_list")
    rows = _sheets(client.get(url, {"export": "xlsx", "status": "recorded"}))
    (sheet,) = rows.values()
    assert sheet[0][:3] == ["编号", "宣传资料", "服务机构"]
    assert [(r[1], r[5], r[7]) for r in sheet[1:]] == [("政策明白纸", 50, "待区县确认")]
    assert "资料发放与签收" in [i.label for i in nav_for(world.users["district_a"])]


def test_the_plan_reach_page_charts_filters_and_exports(world, client, project):
    from ..pushes import push_delivery_import

    video = make_video(world, project, title="事故警示片")
    view_reading_add(deliverable=video, platform="抖音", read_on=DAY, views=800, actor=world.users["provider_a"])
    push = make_push(world, project)
    region = world.orgs["district_a"].region
    push_delivery_import(
        deliverable=push,
        rows=[
            {
                "row": 2,
                "sent_on": "2023-10-12",
                "region_id": region.pk,
                "industry_id": None,
                "sent": 90,
                "delivered": 80,
                "opened": 20,
            }
        ],
        actor=world.users["provider_a"],
    )
    material = make_material(world, project)
    x = distribute(world, material, quantity=300)
    distribution_transition(distribution=x, action="confirm", actor=world.users["district_a"])
    client.force_login(world.owner)
    progress = client.get(reverse("publicity:plan", args=[project.plan_id])).content.decode()
    url = reverse("publicity:plan_reach", args=[project.plan_id])
    assert url in progress
    response = client.get(url)
    page = response.content.decode()
    assert "echarts.min.js" in page and "publicity/reach.js" in page and 'id="reach-data"' in page
    data = response.context["chart_data"]
    assert data["views"] == [("2023-10-12", 800)]
    assert data["districts"] == [["张店区", 80, 20, 300, 0]]
    assert "事故警示片" in page
    other = world.orgs["district_b"].region
    empty = client.get(url, {"region": other.pk}).context["chart_data"]
    assert empty["districts"] == [] and empty["views"] == []
    sheets = _sheets(client.get(url, {"export": "xlsx"}))
    assert list(sheets) == ["按成果类型", "按项目", "按区县", "按行业", "播放量"]
    assert sheets["按区县"][1][:6] == ["张店区", 90, 80, 20, 25, 300]
    assert sheets["播放量"][1] == ["2023-10-12", 800]
    # The district sees what reached it; another district nothing of it.
    client.force_login(world.users["district_b"])
    assert client.get(url).context["chart_data"]["districts"] == []

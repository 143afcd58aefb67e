import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from yufang.core.models import Job
from yufang.enterprises import services as enterprise_services
from yufang.targets.models import BaselineEntry, EnterpriseSet, Mode, Target
from yufang.targets.selectors import plan_progress, target_breakdown
from yufang.targets.tests.factories import complete, make_batch


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["2023 年危险化学品企业应受训摸底表"])
    ws.merge_cells("A1:D1")
    ws.append(["填报单位：市应急管理局", None, None, None])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _upload(client, programme, content: bytes, name: str):
    return client.post(reverse("targets:programme", args=[programme.pk]), {"file": SimpleUploadedFile(name, content)})


def test_baseline_import_reports_each_row_then_applies_on_confirmation(
    client, world, setup, django_capture_on_commit_callbacks
):
    plan, programme, people, targets = setup
    client.force_login(world.owner)
    before = BaselineEntry.objects.filter(programme=programme).count()
    content = _xlsx(
        [
            ["序号", "企业名称", " 岗 位 ", "应受训人数"],
            [1, "测试企业ａ", "一线班组长", 55],  # full-width letter, spaced header
            [2, "测试企业a", "分管负责人", 4],
            [3, "不存在的化工厂", "一线班组长", 10],
            [4, "测试企业a", "厂长", 3],
            [5, "测试企业a", "安全管理部门负责人", "五"],
            [6, "测试企业a", "一线班组长", 60],
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, programme, content, "摸底表.xlsx")
    job = Job.objects.get()
    assert response.url == reverse("core:job", args=[job.pk])
    assert job.status == "succeeded", job.result
    assert BaselineEntry.objects.filter(programme=programme).count() == before  # nothing written yet
    page = client.get(job.result_url).text
    assert "有效 <strong>2</strong> 行，错误 <strong>4</strong> 行" in page
    # The header is on row 3, under a merged title and a note; data rows are numbered as in Excel.
    assert "第 6 行" in page and "不在本市企业名录中" in page and "第 7 行" in page and "不是平台的岗位名称" in page
    assert "第 8 行" in page and "须为非负整数" in page and "第 9 行" in page and "与第 4 行重复" in page
    client.post(reverse("targets:baseline_confirm", args=[job.pk]))
    entry = BaselineEntry.objects.get(
        programme=programme, enterprise=world.orgs["enterprise_a"], position__code="team_leader"
    )
    assert entry.headcount == 55
    after = list(BaselineEntry.objects.filter(programme=programme).values_list("pk", "headcount"))
    # The same report cannot be applied twice.
    response = client.post(reverse("targets:baseline_confirm", args=[job.pk]), follow=True)
    assert "该文件已导入过" in response.text
    assert list(BaselineEntry.objects.filter(programme=programme).values_list("pk", "headcount")) == after


def test_baseline_csv_in_gbk_and_a_file_without_header(client, world, setup, django_capture_on_commit_callbacks):
    plan, programme, people, targets = setup
    client.force_login(world.owner)
    csv = "统一社会信用代码,岗位,应受训人数\n{},分管负责人,7\n".format(world.orgs["enterprise_a"].credit_code).encode(
        "gbk"
    )
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, programme, csv, "baseline.csv")
    job = Job.objects.latest("pk")
    assert job.status == "succeeded" and len(job.result["good"]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, programme, _xlsx([["姓名", "电话"]]), "wrong.xlsx")
    job = Job.objects.latest("pk")
    assert job.status == "failed"
    assert "没有找到表头" in job.result["error"]
    page = client.get(reverse("core:job", args=[job.pk])).text
    assert "没有找到表头" in page


def test_only_the_starter_sees_a_job(client, world, setup, django_capture_on_commit_callbacks):
    plan, programme, people, targets = setup
    client.force_login(world.owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("targets:recount", args=[targets["total"].pk]))
    job = Job.objects.latest("pk")
    assert job.status == "succeeded"
    client.force_login(world.users["agency"])
    assert client.get(reverse("core:job", args=[job.pk])).status_code == 404


def test_progress_page_and_export(client, world, setup):
    plan, programme, people, targets = setup
    complete(
        world.owner,
        people[:30],
        mode=Mode.ONLINE,
        day=datetime.date(2023, 10, 8),
        source=make_batch(world.owner, "线上", 2023),
    )
    client.force_login(world.users["partner"])
    page = client.get(reverse("targets:progress", args=[plan.pk])).text
    assert "全年培训" in page and "计数规则" in page and "同一人无论参加多少场次" in page
    fragment = client.get(
        reverse("targets:progress", args=[plan.pk]),
        {"target": targets["online"].pk},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="breakdown",
    )
    assert "<html" not in fragment.text and "分项统计：线上" in fragment.text
    export = client.get(reverse("targets:progress", args=[plan.pk]), {"export": "xlsx"})
    wb = load_workbook(io.BytesIO(export.content))
    rows = list(wb["目标进度"].iter_rows(values_only=True))
    online = next(r for r in rows if r[0] == "线上")
    assert online[3] == 30
    # Providers and trainees do not see progress.
    client.force_login(world.users["provider_a"])
    assert client.get(reverse("targets:progress", args=[plan.pk])).status_code == 403
    client.force_login(world.users["trainee_a"])
    assert client.get(reverse("targets:progress", args=[plan.pk])).status_code == 404


def test_progress_reads_take_few_queries(world, setup):
    plan, programme, people, targets = setup
    complete(
        world.owner, people, mode=Mode.OFFLINE, day=datetime.date(2023, 4, 2), source=make_batch(world.owner, "x", 2023)
    )
    owner = type(world.owner).objects.get(pk=world.owner.pk)
    assert owner.scope  # the user's roles are read once per request, before these
    with CaptureQueriesContext(connection) as ctx:
        rows = plan_progress(user=owner, plan=plan)
        target_breakdown(user=owner, target=rows[0].target)
    # targets, baselines; tallies and three small reference-name lookups (regions twice).
    assert len(ctx.captured_queries) <= 7, [q["sql"] for q in ctx.captured_queries]


def test_target_form_creates_and_counts(client, world, setup):
    plan, programme, people, targets = setup
    complete(
        world.owner,
        people[:20],
        mode=Mode.OFFLINE,
        day=datetime.date(2023, 4, 2),
        source=make_batch(world.owner, "x", 2023),
    )
    client.force_login(world.owner)
    response = client.post(
        reverse("targets:create", args=[plan.pk]),
        {
            "name": "建筑施工培训",
            "metric": "persons",
            "industries": [people[-1].industry_id],
            "enterprise_set": "all",
            "threshold": "5",
            "deadline": "2023-12-31",
            "sort_order": 5,
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("targets:create", args=[plan.pk]),
        {
            "name": "错的比例",
            "metric": "programme_share",
            "enterprise_set": "all",
            "threshold": "70",
            "deadline": "2023-12-31",
            "sort_order": 5,
        },
    )
    assert "完成比例指标须选择多年度工程" in response.text


@pytest.mark.parametrize("role", ["district_a", "agency"])
def test_progress_api(client, world, setup, role):
    plan, programme, people, targets = setup
    complete(
        world.owner,
        people,
        mode=Mode.ONLINE,
        day=datetime.date(2023, 11, 1),
        source=make_batch(world.owner, "线上", 2023),
    )
    client.force_login(world.users[role])
    data = {r["target"]["name"]: r for r in client.get(f"/api/v1/plans/{plan.pk}/progress").json()}
    assert data["线上"]["persons"] == (60 if role == "district_a" else 180)
    assert data["线上"]["district_only"] is (role == "district_a")
    breakdown = client.get(f"/api/v1/targets/{targets['online'].pk}/breakdown").json()
    assert breakdown["total"] == data["线上"]["persons"]
    assert Decimal(data["线上"]["target"]["threshold"]) == Decimal(60)


def test_home_shows_the_leaders_view(client, world, setup):
    plan, programme, people, targets = setup
    complete(
        world.owner,
        people[:5],
        mode=Mode.ONLINE,
        day=datetime.date(2023, 10, 8),
        source=make_batch(world.owner, "线上", 2023),
    )
    client.force_login(world.users["partner"])
    page = client.get("/").text
    assert 'data-testid="target-panel"' in page and "线上" in page
    client.force_login(world.users["provider_a"])
    assert 'data-testid="target-panel"' not in client.get("/").text


def test_key_enterprise_target_through_the_pages(client, world, setup):
    """The owner sets a target over the year's key enterprises; the agency marks one on the
    enterprise pages and the target moves; districts still see only their own district."""
    plan, programme, people, targets = setup
    complete(
        world.owner, people, mode=Mode.OFFLINE, day=datetime.date(2023, 5, 6), source=make_batch(world.owner, "x", 2023)
    )
    enterprises = {p.enterprise.name: (p.enterprise, p.industry) for p in people}
    profiles = {
        name: enterprise_services.enterprise_save(
            actor=world.users["agency"], organisation=org, org_data={}, data={"industry": industry}
        )
        for name, (org, industry) in enterprises.items()
    }
    client.force_login(world.owner)
    form = client.get(reverse("targets:create", args=[plan.pk])).text
    assert '<option value="key">当年重点企业</option>' in form
    response = client.post(
        reverse("targets:create", args=[plan.pk]),
        {
            "name": "重点企业培训人数",
            "metric": "persons",
            "modes": ["offline", "practical"],
            "enterprise_set": "key",
            "threshold": "100",
            "deadline": "2023-12-31",
            "include_historic": "on",  # the people here come from a historic import
            "sort_order": 50,
        },
    )
    target = Target.objects.get(name="重点企业培训人数")
    assert response.status_code == 302 and target.enterprise_set == EnterpriseSet.KEY and target.achieved == 0
    page = client.get(reverse("targets:progress", args=[plan.pk]), {"target": target.pk}).text
    assert "限定企业：经办机构确定的 2023 年重点企业" in page
    assert "2023 年重点企业共 0 家，经办机构尚未确定，本目标暂计 0 人。" in page

    client.force_login(world.users["agency"])
    for name in ("测试企业a", "测试企业b"):
        client.post(
            reverse("enterprises:mark", args=[profiles[name].pk]), {"year": 2023, "reason": "依上年数据综合排名第一"}
        )
    target.refresh_from_db()
    assert target.achieved == 60 + 70

    client.force_login(world.users["partner"])
    page = client.get(reverse("targets:progress", args=[plan.pk]), {"target": target.pk}).text
    assert "2023 年重点企业共 2 家：" in page and "测试企业a</a>" in page and "测试企业b</a>" in page
    assert "分项统计：重点企业培训人数（130 人）" in page
    # A district sees its own district's people and key enterprises, as for every other target.
    client.force_login(world.users["district_a"])
    page = client.get(reverse("targets:progress", args=[plan.pk]), {"target": target.pk}).text
    assert "2023 年重点企业（本区县）共 1 家：" in page and "测试企业a</a>" in page and "测试企业b" not in page
    assert "分项统计：重点企业培训人数（60 人）" in page
    figures = {r.target.name: r.value for r in plan_progress(user=world.users["district_b"], plan=plan)}
    assert figures["重点企业培训人数"] == 70
    client.force_login(world.users["provider_a"])
    assert client.get(reverse("targets:progress", args=[plan.pk]), {"target": target.pk}).status_code == 403

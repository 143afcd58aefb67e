"""Reach services: view readings kept as history, a push's audience and its carrier report
checked row by row and imported all or nothing, a print run's quantities and distributions
within what was received, confirmed only by the district they went to; and the reach figures."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from yufang.core.models import AuditLog
from yufang.core.registry import todos_for
from yufang.core.workflow import TransitionError
from yufang.reference.models import Industry

from .. import services
from ..distribution import distribution_remove, distribution_transition, material_stock_save
from ..models import Distribution, DistributionStatus, MaterialStock, PushDelivery, ViewReading
from ..pushes import delivery_report_check, push_audience_save, push_delivery_import
from ..reach import plan_reach, views_over_time
from ..viewcounts import view_reading_add
from .factories import EXE, MP4, make_video, upload
from .reach_factories import audience, distribute, make_material, make_push, pdf_receipt, reach_project, receipt, xlsx

D = datetime.date


@pytest.fixture
def project(world):
    return reach_project(world, "a")


# --- View readings ---------------------------------------------------------------------------------


def test_each_reading_is_a_row_of_its_own_and_never_overwritten(world, project):
    provider = world.users["provider_a"]
    video = make_video(world, project)
    first = view_reading_add(deliverable=video, platform="抖音", read_on=D(2023, 10, 15), views=1200, actor=provider)
    view_reading_add(deliverable=video, platform="抖音", read_on=D(2023, 10, 30), views=5400, actor=provider)
    with pytest.raises(ValidationError, match="已有读数：每天每个平台一条"):
        view_reading_add(deliverable=video, platform="抖音", read_on=D(2023, 10, 15), views=1300, actor=provider)
    with pytest.raises(ValidationError, match="不能少于 2023-10-15 的读数 1200"):
        view_reading_add(deliverable=video, platform="抖音", read_on=D(2023, 10, 20), views=1000, actor=provider)
    with pytest.raises(ValidationError, match="不能多于 2023-10-30 的读数 5400"):
        view_reading_add(deliverable=video, platform="抖音", read_on=D(2023, 10, 20), views=6000, actor=provider)
    with pytest.raises(ValidationError, match="不能早于视频的发布日期"):
        view_reading_add(deliverable=video, platform="抖音", read_on=D(2023, 10, 1), views=1, actor=provider)
    first.refresh_from_db()
    assert first.views == 1200 and ViewReading.objects.filter(deliverable=video).count() == 2
    assert AuditLog.objects.for_object(first).get().action == "create"


def test_readings_are_the_videos_provider_alone_and_go_on_after_acceptance(world, project):
    video = make_video(world, project)
    services.evidence_add(deliverable=video, file=upload("v.mp4", MP4), actor=world.users["provider_a"])
    services.deliverable_transition(deliverable=video, action="submit", actor=world.users["provider_a"])
    services.deliverable_transition(deliverable=video, action="accept", actor=world.users["agency"])
    for role in ("provider_b", "agency", "district_a"):
        with pytest.raises(PermissionDenied):
            view_reading_add(
                deliverable=video, platform="抖音", read_on=D(2023, 10, 15), views=1, actor=world.users[role]
            )
    reading = view_reading_add(
        deliverable=video, platform="抖音", read_on=D(2023, 10, 15), views=10, actor=world.users["provider_a"]
    )
    assert reading.pk
    push = make_push(world, project)
    with pytest.raises(ValidationError, match="只有「宣传短视频」类成果"):
        view_reading_add(
            deliverable=push, platform="抖音", read_on=D(2023, 10, 15), views=1, actor=world.users["provider_a"]
        )


def test_views_over_time_sum_the_latest_reading_of_each_video(world, project):
    provider = world.users["provider_a"]
    one, two = make_video(world, project, title="一"), make_video(world, project, title="二")
    view_reading_add(deliverable=one, platform="抖音", read_on=D(2023, 10, 15), views=100, actor=provider)
    view_reading_add(deliverable=one, platform="视频号", read_on=D(2023, 10, 15), views=50, actor=provider)
    view_reading_add(deliverable=two, platform="抖音", read_on=D(2023, 10, 20), views=30, actor=provider)
    view_reading_add(deliverable=one, platform="抖音", read_on=D(2023, 10, 25), views=400, actor=provider)
    series, videos = views_over_time(user=world.owner, plan=project.plan)
    assert series == [("2023-10-15", 150), ("2023-10-20", 180), ("2023-10-25", 480)]
    assert [(v["title"], v["views"]) for v in videos] == [("一", 450), ("二", 30)]
    # A district sees the views of the videos addressed to it; another district's none.
    assert views_over_time(user=world.users["district_b"], plan=project.plan)[0] == []


# --- Pushes ----------------------------------------------------------------------------------------


def test_the_audience_names_what_its_kind_says_and_is_audited(world, project):
    push = make_push(world, project)
    provider = world.users["provider_a"]
    with pytest.raises(ValidationError) as e:
        push_audience_save(deliverable=push, kind="industries", planned_reach=100, actor=provider)
    assert e.value.message_dict["industries"] == ["推送对象为「按行业」时，请至少选择一个行业。"]
    construction = Industry.objects.get(code="construction")
    a = push_audience_save(
        deliverable=push,
        kind="industries",
        planned_reach=8000,
        industries=[construction],
        districts=[world.orgs["district_a"].region],  # not the audience's kind: dropped
        actor=provider,
    )
    assert list(a.industries.all()) == [construction] and not a.districts.exists()
    a = audience(world, push)
    assert list(a.districts.all()) == [world.orgs["district_a"].region] and not a.industries.exists()
    assert AuditLog.objects.for_object(a).filter(action="update").exists()
    with pytest.raises(PermissionDenied):
        push_audience_save(
            deliverable=push, kind="districts", planned_reach=1, districts=[], actor=world.users["provider_b"]
        )


HEADER_TITLE = [["中国移动 5G 智媒平台 定向推送送达报表"], ["统计周期：2023 年 10 月"]]


def _check(world, push, rows, title_rows=HEADER_TITLE):
    f = xlsx(rows, title_rows=title_rows)
    return delivery_report_check(f, f.name, push)


def test_the_carriers_messy_report_is_read_and_each_bad_row_named(world, project):
    push = make_push(world, project)
    result = _check(
        world,
        push,
        [
            ["发送日期", "区/县", "所属行业", "发送量(条)", "成功送达", "阅读数"],
            [D(2023, 10, 12), "张店区", "建筑业", 1000, 950, 400],
            ["2023/10/13", "张店", "", "1,200", "1100", "500条"],
            ["2023年10月14日", "全市", "危险化学品", 800, 900, 10],
            ["10月15日", "火星区", "养殖业", 10, 5, 6],
            [D(2023, 10, 12), "张店区", "建筑业", 5, 5, 5],
            [None, None, None, None, None, None],
        ],
    )
    assert result["header_row"] == 3 and result["total"] == 5
    assert [(g["row"], g["sent"], g["delivered"], g["opened"]) for g in result["good"]] == [
        (4, 1000, 950, 400),
        (5, 1200, 1100, 500),
    ]
    errors = {e["row"]: [(p["field"], p["why"]) for p in e["problems"]] for e in result["errors"]}
    assert errors[6] == [("送达数", "送达数 900 多于发送数 800")]
    assert ("日期", "「10月15日」不是日期（如 2023-10-12）") in errors[7]
    assert ("区县", "「火星区」不是本市的区县") in errors[7]
    assert ("行业", "「养殖业」不是平台的行业类别") in errors[7]
    assert ("打开数", "打开数 6 多于送达数 5") in errors[7]
    assert errors[8] == [("日期", "与第 4 行的日期、区县和行业相同")]


def test_a_report_without_its_columns_is_refused_with_the_names(world, project):
    from yufang.core.jobs import JobFailed

    push = make_push(world, project)
    with pytest.raises(JobFailed, match="表头须包含"):
        _check(world, push, [["日期", "数量"], [D(2023, 10, 12), 3]])


def test_the_import_writes_all_rows_or_none_and_once(world, project, django_capture_on_commit_callbacks):
    push = make_push(world, project)
    provider = world.users["provider_a"]
    region = world.orgs["district_a"].region
    row = {
        "row": 4,
        "sent_on": "2023-10-12",
        "region_id": region.pk,
        "industry_id": None,
        "sent": 10,
        "delivered": 9,
        "opened": 3,
    }
    bad = {**row, "row": 5, "sent_on": "2023-10-13", "delivered": 11}
    with pytest.raises(ValidationError, match="第 5 行：须满足 发送数 ≥ 送达数 ≥ 打开数，本次未导入任何行"):
        push_delivery_import(deliverable=push, rows=[row, bad], actor=provider)
    assert not PushDelivery.objects.exists()
    (created,) = push_delivery_import(deliverable=push, rows=[row], actor=provider)
    assert AuditLog.objects.for_object(created).get().event == "push_delivery_import"
    with pytest.raises(ValidationError, match="已导入过"):
        push_delivery_import(deliverable=push, rows=[row], actor=provider)
    with pytest.raises(PermissionDenied):
        push_delivery_import(deliverable=push, rows=[{**row, "sent_on": "2023-10-14"}], actor=world.users["provider_b"])
    # A second report naming an imported day is caught at the check.
    again = _check(world, push, [["日期", "区县", "发送数", "送达数", "打开数"], ["2023-10-12", "张店区", 1, 1, 1]])
    assert again["errors"][0]["problems"] == [{"field": "日期", "why": "同一日期、区县和行业的送达记录已导入过"}]


def test_the_database_refuses_more_delivered_than_sent_and_more_opened_than_delivered(world, project):
    push = make_push(world, project)
    for sent, delivered, opened in ((10, 11, 0), (10, 5, 6)):
        with pytest.raises(IntegrityError), transaction.atomic():
            PushDelivery.objects.create(
                deliverable=push,
                sent_on=D(2023, 10, 12),
                sent=sent,
                delivered=delivered,
                opened=opened,
                source_row=1,
                imported_by=world.users["provider_a"],
            )


# --- Printed materials -----------------------------------------------------------------------------


def test_received_never_above_ordered_nor_below_distributed(world, project):
    provider = world.users["provider_a"]
    material = make_material(world, project, ordered=3000, received=2800)
    with pytest.raises(ValidationError, match="到货数量（3100）不能多于订制数量（3000）"):
        material_stock_save(deliverable=material, ordered=3000, received=3100, actor=provider)
    distribute(world, material, quantity=2000)
    with pytest.raises(ValidationError, match="已记录发放 2000 份，到货数量不能少于已发放数量"):
        material_stock_save(deliverable=material, ordered=3000, received=1500, actor=provider)
    with pytest.raises(ValidationError, match="最多还能发放 800 份"):
        distribute(world, material, quantity=801)
    distribute(world, material, quantity=800)
    assert MaterialStock.objects.get(deliverable=material).distributed == 2800
    for field, value in (("received", 3001), ("distributed", 2801)):
        with pytest.raises(IntegrityError), transaction.atomic():
            MaterialStock.objects.filter(deliverable=material).update(**{field: value})


def test_a_distribution_needs_a_real_receipt_of_its_own(world, project):
    provider = world.users["provider_a"]
    material = make_material(world, project)
    from ..distribution import distribution_record

    def record(file, **kw):
        return distribution_record(
            deliverable=material,
            region=world.orgs["district_a"].region,
            quantity=10,
            distributed_on=D(2023, 10, 12),
            receipt=file,
            actor=provider,
            **kw,
        )

    with pytest.raises(ValidationError) as e:
        record(upload("签收单.jpg", EXE))
    assert "按文件内容识别" in e.value.message_dict["receipt"][0]
    with pytest.raises(ValidationError) as e:
        record(upload("签收单.mp4", MP4))
    assert "本类成果的佐证只接受" in e.value.message_dict["receipt"][0]
    first = record(pdf_receipt())
    assert first.receipt_type == "pdf" and first.receipt.name.startswith("publicity/receipts/")
    with pytest.raises(ValidationError) as e:
        record(pdf_receipt("另一个名字.pdf"))
    assert e.value.message_dict["receipt"] == ["同一签收单（内容相同）已用于另一次发放：每次发放须有自己的签收单。"]


def test_an_enterprises_distribution_goes_to_its_district(world, project):
    material = make_material(world, project)
    x = distribute(world, material, enterprise=world.orgs["enterprise_b"], quantity=20)
    assert x.region == world.orgs["enterprise_b"].region and x.enterprise == world.orgs["enterprise_b"]
    from ..distribution import distribution_record

    with pytest.raises(ValidationError) as e:
        distribution_record(
            deliverable=material,
            region=world.orgs["district_a"].region,
            enterprise=world.orgs["enterprise_b"],
            quantity=1,
            distributed_on=D(2023, 10, 12),
            receipt=receipt(salt=b"e"),
            actor=world.users["provider_a"],
        )
    assert "与所选区县不符" in e.value.message_dict["region"][0]
    with pytest.raises(ValidationError) as e:
        distribution_record(
            deliverable=material,
            region=None,
            enterprise=world.orgs["provider_b"],
            quantity=1,
            distributed_on=D(2023, 10, 12),
            receipt=receipt(salt=b"f"),
            actor=world.users["provider_a"],
        )
    assert e.value.message_dict["enterprise"] == ["发放对象须为企业。"]


def test_only_the_district_it_went_to_confirms_and_a_dispute_comes_back(world, project):
    material = make_material(world, project)
    x = distribute(world, material, quantity=300)
    assert x.status == DistributionStatus.RECORDED
    todos = {t.title: t.count for t in todos_for(world.users["district_a"])}
    assert todos["宣传资料待确认签收"] == 1
    assert "宣传资料待确认签收" not in {t.title for t in todos_for(world.users["district_b"])}
    for role in ("district_b", "provider_a", "agency", "owner"):
        with pytest.raises(PermissionDenied):
            distribution_transition(distribution=x, action="confirm", actor=world.users[role])
    with pytest.raises(TransitionError, match="请填写说明"):
        distribution_transition(distribution=x, action="dispute", actor=world.users["district_a"])
    distribution_transition(distribution=x, action="dispute", actor=world.users["district_a"], note="实收 280 份")
    assert x.status == DistributionStatus.DISPUTED and x.decision_note == "实收 280 份"
    assert {t.title: t.count for t in todos_for(world.users["provider_a"])}["宣传资料发放被区县提出异议"] == 1
    with pytest.raises(PermissionDenied):
        distribution_transition(distribution=x, action="resubmit", actor=world.users["provider_b"], note="x")
    distribution_transition(distribution=x, action="resubmit", actor=world.users["provider_a"], note="已补送 20 份")
    distribution_transition(distribution=x, action="confirm", actor=world.users["district_a"])
    x.refresh_from_db()
    assert x.status == DistributionStatus.CONFIRMED and x.decided_by == world.users["district_a"]
    assert [a.event for a in AuditLog.objects.for_object(x).order_by("pk")] == ["", "dispute", "resubmit", "confirm"]
    with pytest.raises(ValidationError, match="已确认签收，发放记录不能再删除"):
        distribution_remove(distribution=x, actor=world.users["provider_a"])


def test_removing_an_unconfirmed_distribution_returns_its_copies(world, project):
    material = make_material(world, project)
    x = distribute(world, material, quantity=300)
    with pytest.raises(PermissionDenied):
        distribution_remove(distribution=x, actor=world.users["provider_b"])
    distribution_remove(distribution=x, actor=world.users["provider_a"])
    assert not Distribution.objects.exists()
    assert MaterialStock.objects.get(deliverable=material).distributed == 0


# --- Reach figures ---------------------------------------------------------------------------------


def test_reach_by_district_and_industry_counts_what_reached_and_only_confirmed_materials(world, project):
    provider = world.users["provider_a"]
    push = make_push(world, project, regions=[])
    zhangdian = world.orgs["district_a"].region
    zichuan = world.orgs["district_b"].region
    construction = Industry.objects.get(code="construction")
    push_delivery_import(
        deliverable=push,
        rows=[
            {
                "row": 2,
                "sent_on": "2023-10-12",
                "region_id": zhangdian.pk,
                "industry_id": construction.pk,
                "sent": 100,
                "delivered": 90,
                "opened": 30,
            },
            {
                "row": 3,
                "sent_on": "2023-10-12",
                "region_id": zichuan.pk,
                "industry_id": construction.pk,
                "sent": 50,
                "delivered": 40,
                "opened": 20,
            },
            {
                "row": 4,
                "sent_on": "2023-10-13",
                "region_id": zhangdian.pk,
                "industry_id": None,
                "sent": 10,
                "delivered": 10,
                "opened": 10,
            },
        ],
        actor=provider,
    )
    material = make_material(world, project, regions=[])
    confirmed = distribute(world, material, quantity=500)
    distribute(world, material, quantity=200)  # not yet confirmed: not counted
    distribute(world, material, quantity=70, region=zichuan)
    distribution_transition(distribution=confirmed, action="confirm", actor=world.users["district_a"])
    reach = plan_reach(user=world.owner, plan=project.plan)
    districts = {a.name: (a.push_delivered, a.push_opened, a.materials) for a in reach.districts}
    assert districts == {"张店区": (100, 40, 500), "淄川区": (40, 20, 0)}
    industries = {a.name: (a.push_delivered, a.push_opened) for a in reach.industries}
    assert industries[construction.name] == (130, 50) and industries["未分行业"] == (10, 10)
    # A district sees what reached it: its own rows only.
    mine = plan_reach(user=world.users["district_b"], plan=project.plan)
    assert {a.name: a.push_delivered for a in mine.districts} == {"淄川区": 40}
    # A filter by district narrows every figure.
    only = plan_reach(user=world.owner, plan=project.plan, region=zichuan)
    assert [(a.name, a.push_delivered, a.materials) for a in only.districts] == [("淄川区", 40, 0)]


def test_a_report_beyond_the_row_limit_is_refused_before_it_is_kept(world, project, monkeypatch):
    from yufang.core.jobs import JobFailed

    from .. import pushes

    monkeypatch.setattr(pushes, "MAX_ROWS", 2)
    push = make_push(world, project)
    header = ["日期", "发送数", "送达数", "打开数"]
    with pytest.raises(JobFailed, match="送达报告有 3 行，超过一次导入 2 行的上限"):
        _check(world, push, [header, *[[f"2023-10-1{i}", 1, 1, 1] for i in range(3)]])
